//! `heard audit verify|search`: check the audit log's hash chain, and search it from the
//! command line. `verify` exits 1 when the chain is broken, so a cron job or monitor can
//! alert on it; it prints the head (last row's id and hash) to keep somewhere else,
//! which is what shows a cut-off tail (see heard-store's `audit` module).

use crate::config::Config;
use anyhow::{Context, bail};
use heard_store::audit::{AuditFilter, AuditRecord, NewAuditEntry};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check the whole hash chain; exit 1 and name the first broken row if it fails.
    Verify,
    /// Search the audit log, newest first, as a table.
    Search {
        /// Case reference, e.g. HRD-000123 (its contacts' and attachments' entries too).
        #[arg(long)]
        case: Option<String>,
        /// Customer id.
        #[arg(long)]
        customer: Option<i64>,
        /// Who: an email address as recorded, `cli`, or a user id.
        #[arg(long)]
        actor: Option<String>,
        /// An action (`case.read`) or a prefix (`case.*`).
        #[arg(long)]
        action: Option<String>,
        /// From this date (2026-03-01, midnight UTC) or time (RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Before this date or time.
        #[arg(long)]
        until: Option<String>,
        /// Most rows printed (1–100).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub async fn run(command: Command, data_dir: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(data_dir, config_file)?;
    let store = crate::open(&config, data_dir).await?;
    store.ensure_current().await.context("heard audit will not start")?;
    match command {
        Command::Verify => {
            let v = store.verify_audit().await?;
            store.close().await;
            match &v.broken {
                None => {
                    println!("audit log OK: {} row(s) checked, the chain is unbroken", v.rows_checked);
                    if let Some((id, hash)) = &v.head {
                        println!("head: row {id} {hash}");
                    }
                }
                Some(b) => {
                    println!("audit log BROKEN at {b}");
                    println!("{} row(s) before it check out", v.rows_checked);
                    std::process::exit(1);
                }
            }
        }
        Command::Search {
            case,
            customer,
            actor,
            action,
            since,
            until,
            limit,
        } => {
            if !(1..=100).contains(&limit) {
                bail!("--limit must be between 1 and 100");
            }
            let (actor_id, actor) = match actor {
                Some(a) => match a.trim().parse::<i64>() {
                    Ok(id) => (Some(id), None),
                    Err(_) => (None, Some(a)),
                },
                None => (None, None),
            };
            let filter = AuditFilter {
                actor_id,
                actor: actor.clone(),
                customer_id: customer,
                case_reference: case.clone(),
                action: action.clone(),
                from: since.as_deref().map(|s| time("--since", s)).transpose()?,
                to: until.as_deref().map(|s| time("--until", s)).transpose()?,
                cursor: None,
                limit: Some(limit),
            };
            let page = store.search_audit(&filter).await?;
            // Reading the log is recorded too: it names people and what they looked at.
            let mut entry = NewAuditEntry::new(None, "cli", "audit.search");
            entry.source = Some("cli".into());
            entry.case_reference = case.map(|c| c.trim().to_uppercase());
            entry.customer_id = customer;
            entry.detail = serde_json::json!({
                "os_user": std::env::var("USER").ok(),
                "query": {"actor": actor.or(actor_id.map(|i| i.to_string())), "action": action, "since": since, "until": until},
                "shown": page.items.len(),
            });
            store.record_audit(&[entry]).await?;
            store.close().await;
            print!("{}", table(&page.items));
            if page.next_cursor.is_some() {
                println!("(more: narrow the search or raise --limit)");
            }
        }
    }
    Ok(())
}

/// Records a change made from the command line (actor and source `cli`; the OS user in
/// the detail).
pub async fn record_cli(
    store: &heard_store::Store,
    action: &str,
    target: (&str, String),
    mut detail: serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let mut entry = NewAuditEntry::new(None, "cli", action);
    entry.source = Some("cli".into());
    entry.target_kind = Some(target.0.into());
    entry.target = Some(target.1);
    detail.insert("os_user".into(), std::env::var("USER").ok().into());
    entry.detail = serde_json::Value::Object(detail);
    store.record_audit(&[entry]).await.context("writing the audit log")?;
    Ok(())
}

/// A date (midnight UTC) or an RFC 3339 time.
fn time(flag: &str, s: &str) -> anyhow::Result<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let d: jiff::civil::Date = s
        .parse()
        .with_context(|| format!("{flag}: `{s}` is not a date (2026-03-01) or RFC 3339 time"))?;
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp())
}

/// The entries as an aligned text table.
fn table(items: &[AuditRecord]) -> String {
    let header = [
        "AT (UTC)", "ID", "ACTOR", "ACTION", "TARGET", "CASE", "CUSTOMER", "SOURCE",
    ];
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let rows: Vec<[String; 8]> = items
        .iter()
        .map(|a| {
            [
                a.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                a.id.to_string(),
                a.actor.clone(),
                a.action.clone(),
                match (&a.target_kind, &a.target) {
                    (Some(k), Some(t)) => format!("{k} {t}"),
                    (Some(k), None) => k.clone(),
                    _ => "-".into(),
                },
                opt(&a.case_reference),
                a.customer_id.map_or_else(|| "-".into(), |c| c.to_string()),
                opt(&a.source),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&header.map(String::from));
    for r in &rows {
        out.push_str(&line(r));
    }
    if rows.is_empty() {
        out.push_str("(no entries)\n");
    }
    out
}
