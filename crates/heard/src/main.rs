//! `heard`: the one binary. Subcommands are thin: parse, load config, call the crates.

mod bench;
mod commands;
mod config;
mod demo;
mod mail_config;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use config::Config;
use heard_store::{Store, StoreOptions};
use std::path::{Path, PathBuf};

/// Customer contact and case management for UK councils.
#[derive(Debug, Parser)]
#[command(name = "heard", version, about)]
struct Cli {
    /// The data folder: database (SQLite), attachments, config.
    #[arg(long, global = true, default_value = "./heard-data", env = "HEARD_DATA_DIR")]
    data_dir: PathBuf,
    /// Config file; default DATA_DIR/heard.toml when it exists.
    #[arg(long, global = true, env = "HEARD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a commented starter config to DATA_DIR/heard.toml (or --config).
    Init,
    /// Apply database migrations.
    Migrate,
    /// Serve heard.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Load a demo council (if not loaded yet) and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Seed for the generated council.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Load data into the configured store.
    Seed {
        /// Load the demo council.
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Working-day calendars: bank holidays and deadlines.
    Calendar {
        #[command(subcommand)]
        command: commands::calendar::Command,
    },
    /// Redact card numbers and extract data from messages (JSON lines in and out).
    Extract(commands::extract::Args),
    /// Routing learned from history: train, predict, evaluate.
    Route {
        #[command(subcommand)]
        command: commands::route::Command,
    },
    /// Recognising the customer: find duplicates in a customer list or link two lists (CSV).
    Customers {
        #[command(subcommand)]
        command: commands::customers::Command,
    },
    /// Trends: replay a history through the emerging-issue detector.
    Trends {
        #[command(subcommand)]
        command: commands::trends::Command,
    },
    /// Import messages from files (email: .eml, mbox, Maildir).
    Import {
        #[command(subcommand)]
        command: commands::import::Command,
    },
    /// The retention schedule: what is due (report) and removing it (run).
    Retention {
        #[command(subcommand)]
        command: commands::retention::Command,
    },
    /// The audit log: check its hash chain, search it.
    Audit {
        #[command(subcommand)]
        command: commands::audit::Command,
    },
    /// Back up a running SQLite store (database snapshot, attachments, manifest) into a new folder.
    Backup(commands::backup::BackupArgs),
    /// Restore a backup into the data folder (refuses a non-empty one without --force).
    Restore(commands::backup::RestoreArgs),
    /// Measure heard (see docs/BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API bearer token for a user and print it (shown once; stored hashed).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        label: String,
        /// The token may read but not change anything.
        #[arg(long)]
        read_only: bool,
        /// Only these services (comma-separated slugs), within what the user may see.
        #[arg(long, value_delimiter = ',')]
        services: Vec<String>,
        /// The token stops working after this many days.
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token at once, by the id `heard token list` shows.
    Revoke {
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create or update a staff account. The password is read from HEARD_PASSWORD.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// agent, team_manager, back_office, admin or auditor.
        #[arg(long)]
        role: String,
        /// Services a back-office officer sees (slugs, repeatable).
        #[arg(long = "service")]
        services: Vec<String>,
        /// The user's team (slug): a team manager is escalated its missed deadlines.
        #[arg(long)]
        team: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "heard=info,heard_web=info,tower_http=warn".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // HEARD_LOG_FORMAT=json: one JSON object per line, with the request's span (request id,
    // method, path), for a log collector.
    if std::env::var("HEARD_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.clone();
    match cli.command {
        Command::Init => {
            let path = cli.config.clone().unwrap_or_else(|| data_dir.join("heard.toml"));
            if path.exists() {
                bail!("{} already exists; not overwriting it", path.display());
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&path, config::STARTER).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        Command::Migrate => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            let n = store.migrate().await?;
            println!("applied {n} migration(s); the schema is current");
        }
        Command::Serve { listen } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await.context("heard serve will not start")?;
            apply_catalogue(&store, &config).await?;
            let listen = listen.unwrap_or_else(|| config.server.listen.clone());
            serve(store, &config, &data_dir, &listen, None).await?;
        }
        Command::Demo { listen, seed } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.migrate().await?;
            apply_catalogue(&store, &config).await?;
            if store.services().await?.is_empty() {
                demo::load(&store, seed).await?;
            } else {
                eprintln!("demo data already loaded in {}", data_dir.display());
            }
            serve(store, &config, &data_dir, &listen, Some(demo::LOGINS)).await?;
        }
        Command::Seed { demo: load_demo, seed } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await?;
            if !load_demo {
                bail!("nothing to seed: pass --demo");
            }
            if !store.services().await?.is_empty() {
                bail!("the store already has services; seed the demo into an empty store");
            }
            demo::load(&store, seed).await?;
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    user,
                    label,
                    read_only,
                    services,
                    expires_days,
                },
        } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await?;
            let (u, _) = store
                .user_for_login(&user)
                .await?
                .with_context(|| format!("no user {user}"))?;
            let known: Vec<String> = store.services().await?.into_iter().map(|s| s.slug).collect();
            if let Some(bad) = services.iter().find(|s| !known.contains(s)) {
                bail!("--services: no service `{bad}` (known: {})", known.join(", "));
            }
            let scope = heard_store::users::TokenScope { read_only, services };
            let expires =
                expires_days.map(|d| jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * i64::from(d)));
            let token = store.create_scoped_token(u.id, &label, &scope, expires).await?;
            let detail = serde_json::json!({
                "user": u.email, "label": label, "read_only": scope.read_only,
                "services": scope.services, "expires_days": expires_days,
            });
            commands::audit::record_cli(&store, "token.create", ("user", u.id.to_string()), as_map(detail)).await?;
            println!("{token}");
        }
        Command::Token {
            command: TokenCommand::List,
        } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await?;
            for t in store.tokens().await? {
                let state = match (t.revoked_at, t.expires_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) if at <= jiff::Timestamp::now() => format!("expired {at}"),
                    (None, Some(at)) => format!("until {at}"),
                    (None, None) => "live".to_string(),
                };
                let services = if t.scope.services.is_empty() {
                    "all the user's services".to_string()
                } else {
                    t.scope.services.join(",")
                };
                let access = if t.scope.read_only {
                    "read only"
                } else {
                    "read and write"
                };
                println!("{}\t{}\t{}\t{access}\t{services}\t{state}", t.id, t.user, t.label);
            }
        }
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await?;
            if !store.revoke_token(id).await? {
                bail!("--id: no live token {id} (see `heard token list`)");
            }
            commands::audit::record_cli(
                &store,
                "token.revoke",
                ("token", id.to_string()),
                serde_json::Map::new(),
            )
            .await?;
            println!("token {id} revoked");
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    services,
                    team,
                },
        } => {
            let config = Config::load(&data_dir, cli.config.as_deref())?;
            let store = open(&config, &data_dir).await?;
            store.ensure_current().await?;
            let role = role.parse().map_err(|e: String| anyhow::anyhow!("--role: {e}"))?;
            if team.is_some() {
                // The config's teams, so `--team` can name one before `heard serve` has run.
                apply_catalogue(&store, &config).await?;
            }
            let password_hash = match std::env::var("HEARD_PASSWORD") {
                Ok(p) if p.len() >= 12 => Some(heard_web::hash_password(&p).map_err(anyhow::Error::msg)?),
                Ok(_) => bail!("HEARD_PASSWORD: use at least 12 characters"),
                Err(_) => None,
            };
            let detail = serde_json::json!({"email": email, "role": role, "services": services, "team": team,
                                            "password_set": password_hash.is_some()});
            let id = store
                .upsert_user(&heard_store::users::NewUser {
                    email,
                    name,
                    role,
                    team,
                    services,
                    password_hash,
                })
                .await?;
            commands::audit::record_cli(&store, "user.save", ("user", id.to_string()), as_map(detail)).await?;
            println!("user {id} saved");
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&heard_web::api::openapi())?);
        }
        Command::Bench { command } => bench::run(command).await?,
        Command::Calendar { command } => commands::calendar::run(command)?,
        Command::Extract(args) => commands::extract::run(args)?,
        Command::Route { command } => commands::route::run(command)?,
        Command::Customers { command } => commands::customers::run(command)?,
        Command::Trends { command } => commands::trends::run(command)?,
        Command::Import { command } => commands::import::run(command, &data_dir, cli.config.as_deref()).await?,
        Command::Audit { command } => commands::audit::run(command, &data_dir, cli.config.as_deref()).await?,
        Command::Retention { command } => commands::retention::run(command, &data_dir, cli.config.as_deref()).await?,
        Command::Backup(args) => commands::backup::backup(args, &data_dir, cli.config.as_deref())?,
        Command::Restore(args) => commands::backup::restore(args, &data_dir, cli.config.as_deref())?,
    }
    Ok(())
}

/// A JSON object's map (empty for anything else).
fn as_map(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m,
        _ => Default::default(),
    }
}

/// Opens the configured store, creating the data folder first.
async fn open(config: &Config, data_dir: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let url = config.database_url(data_dir);
    Store::open(&url, &StoreOptions::default())
        .await
        .with_context(|| format!("opening the database {}", redact(&url)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// Creates or updates the teams, services and sites listed in the config.
async fn apply_catalogue(store: &Store, config: &Config) -> anyhow::Result<()> {
    use heard_store::seed::{ServiceSpec, SiteSpec, TeamSpec};
    let teams: Vec<_> = config
        .teams
        .iter()
        .map(|t| TeamSpec {
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect();
    let services: Vec<_> = config
        .services
        .iter()
        .map(|s| ServiceSpec {
            slug: s.slug.clone(),
            name: s.name.clone(),
            keywords: s.keywords.clone(),
            team: s.team.clone(),
        })
        .collect();
    let sites: Vec<_> = config
        .sites
        .iter()
        .map(|s| SiteSpec {
            slug: s.slug.clone(),
            name: s.name.clone(),
            kind: s.kind.clone(),
            address: None,
        })
        .collect();
    if !(teams.is_empty() && services.is_empty() && sites.is_empty()) {
        store
            .upsert_catalogue(&teams, &services, &sites)
            .await
            .context("applying the config's teams, services and sites")?;
    }
    let details: Vec<_> = config
        .services
        .iter()
        .map(|s| heard_store::reports::ServiceDetails {
            slug: s.slug.clone(),
            description: s.description.clone(),
            group: s.group.clone(),
            fields: s.fields.clone(),
            open311: s.open311,
            name_cy: s.name_cy.clone(),
            description_cy: s.description_cy.clone(),
        })
        .collect();
    store
        .set_service_details(&details)
        .await
        .context("applying the config's service definitions")?;
    Ok(())
}

/// Serves until Ctrl-C or SIGTERM.
async fn serve(
    store: Store,
    config: &Config,
    data_dir: &Path,
    listen: &str,
    logins: Option<&[&str]>,
) -> anyhow::Result<()> {
    let files = heard_web::files::FileStore::local(data_dir.join("files"));
    let routing = learned_routing(&store, config, data_dir).await?;
    mail_config::spawn(config, &store, &files, routing.as_ref()).await?;
    if let Some(notify) = &config.notify {
        let outbox = heard_channels::notify::SmsOutbox::new(store.clone(), notify.client()?);
        let every = std::time::Duration::from_secs(notify.every_seconds.max(1));
        tokio::spawn(async move { outbox.run(every, std::future::pending()).await });
        tracing::info!(base_url = %notify.base_url, "text message outbox running");
    }
    let meta = config.meta.as_ref().map(|m| m.settings()).transpose()?;
    if let (Some(m), Some(settings)) = (&config.meta, &meta) {
        let client = heard_channels::meta::GraphClient::new(settings).map_err(|e| anyhow::anyhow!("meta: {e}"))?;
        let outbox = heard_channels::meta::SocialOutbox::new(store.clone(), client);
        let every = std::time::Duration::from_secs(m.every_seconds.max(1));
        tokio::spawn(async move { outbox.run(every, std::future::pending()).await });
        tracing::info!(base_url = %m.base_url, "Facebook and Instagram outbox running");
    }
    let pay = config.pay.as_ref().map(|p| p.settings()).transpose()?;
    if let (Some(p), Some(settings)) = (&config.pay, &pay) {
        let client = heard_channels::pay::PayClient::new(settings).map_err(|e| anyhow::anyhow!("pay: {e}"))?;
        let every = std::time::Duration::from_secs(p.every_seconds.max(1));
        let poller = heard_channels::pay::PayPoller::new(store.clone(), client, every);
        tokio::spawn(async move { poller.run(std::future::pending()).await });
        tracing::info!(base_url = %p.base_url, "payment status checks running");
    }
    spawn_escalations(store.clone());
    spawn_retention(store.clone(), config, data_dir);
    if let Some(routing) = &routing {
        heard_web::routing::spawn_training(store.clone(), routing.clone());
    }
    let mut settings = config.web_settings();
    settings.routing = routing;
    settings.meta = meta;
    settings.pay = pay;
    settings.oidc = config
        .oidc
        .as_ref()
        .map(|o| o.settings(&settings.public_url))
        .transpose()?;
    if let Some(o) = &settings.oidc {
        tracing::info!(issuer = %o.issuer, redirect_url = %o.redirect_url, "single sign-on on");
    }
    let state = heard_web::AppState::new(store.clone(), settings, files).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("heard is serving at http://{addr}/");
    if let Some(logins) = logins {
        println!("sign in as any of these, with the password `demo`:");
        for l in logins {
            println!("  {l}");
        }
    }
    heard_web::serve(listener, state, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// Loads the routing model (when `[routing]` is on) and makes sure its triage service exists.
async fn learned_routing(
    store: &Store,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<Option<heard_web::routing::Routing>> {
    let r = &config.routing;
    if !r.enabled {
        return Ok(None);
    }
    store
        .ensure_triage_service(&r.triage_service, "Triage: to be routed", r.triage_team.as_deref())
        .await
        .context("creating the triage service")?;
    let dir = data_dir.join(&r.model);
    let (model, problem) = heard_understand::route::LiveRouter::open(&dir, r.threshold);
    match (problem, model.current()) {
        (Some(e), _) => {
            tracing::warn!(error = %e, "the routing model cannot be used; keywords route until it is retrained")
        }
        (None, Some(m)) => {
            tracing::info!(model = %dir.display(), labels = m.labels().len(), "routing by the learned model")
        }
        (None, None) => tracing::info!("no routing model yet; keywords route until there is history to learn from"),
    }
    Ok(Some(heard_web::routing::Routing {
        model,
        triage_service: r.triage_service.clone(),
        retrain_after: r.retrain_after,
        retrain_every: std::time::Duration::from_secs(u64::from(r.retrain_days) * 24 * 3600),
    }))
}

/// Runs the retention schedule once a day (the first an hour after start). Safe on several
/// nodes: each case is taken once, by its `retention_log` row.
fn spawn_retention(store: Store, config: &Config, data_dir: &Path) {
    if config.retention.is_empty() {
        return;
    }
    let (rules, prefix, data_dir) = (
        config.retention.clone(),
        config.council.reference_prefix.clone(),
        data_dir.to_path_buf(),
    );
    tokio::spawn(async move {
        let day = std::time::Duration::from_secs(24 * 3600);
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        loop {
            let round = async {
                let due = store.retention_due(&rules, jiff::Timestamp::now(), &prefix).await?;
                commands::retention::apply(&store, &data_dir, &due).await
            };
            match round.await {
                Ok(done) if !done.is_empty() => tracing::info!(cases = done.len(), "retention schedule applied"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "retention schedule failed; trying again tomorrow"),
            }
            tokio::time::sleep(day).await;
        }
    });
    tracing::info!("retention schedule running daily");
}

/// How often `heard serve` looks for missed service-level deadlines to escalate.
const ESCALATION_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Escalates missed service-level deadlines to team managers, every minute, beside the
/// web. Every node may run it: the store escalates each breach once, by a unique row,
/// so nodes racing or a restart mid-round never escalate twice.
fn spawn_escalations(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(ESCALATION_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A full batch may leave more: take them now rather than a minute later.
            loop {
                match store.escalate_breaches(jiff::Timestamp::now()).await {
                    Ok(done) => {
                        for e in &done {
                            tracing::info!(case = e.case_id, target = %e.target,
                                manager = e.manager.as_ref().map(|m| m.email.as_str()).unwrap_or("none"),
                                "service level missed: escalated");
                        }
                        if done.len() < heard_store::clocks::ESCALATION_BATCH as usize {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "escalating missed service levels failed; trying again next round");
                        break;
                    }
                }
            }
        }
    });
    tracing::info!("service-level escalation running");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
