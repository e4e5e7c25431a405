//! `heard import mail [--json] PATH…`: stores email from `.eml` files, mbox files and
//! Maildir folders (directories are walked). Reading streams on one thread while up to
//! `CONCURRENCY` messages are stored at once, so the store's writer can group commits;
//! memory stays at roughly `CONCURRENCY` messages whatever the mbox's size.

use crate::config::Config;
use anyhow::Context;
use heard_channels::ingest::{IngestError, Ingested, Ingestor};
use heard_channels::mailbox::{self, ItemBody, Rejected};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokio::task::JoinSet;

/// Messages stored at once.
const CONCURRENCY: usize = 64;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Email: .eml files, mbox files and Maildir folders; directories are walked.
    Mail {
        /// Print one JSON object: {"imported", "already_present", "rejected": [{"path", "reason"}]}.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// What an import did: the contract other tools read (`--json`).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub imported: u64,
    pub already_present: u64,
    pub rejected: Vec<Rejected>,
    /// Of `imported`: auto-replies, bounces and loops (kept, no case opened).
    #[serde(skip)]
    pub notices: u64,
    #[serde(skip)]
    pub cases_opened: u64,
}

pub async fn run(command: Command, data_dir: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    let Command::Mail { json, paths } = command;
    let config = Config::load(data_dir, config_file)?;
    let store = crate::open(&config, data_dir).await?;
    store.ensure_current().await.context("heard import will not start")?;
    crate::apply_catalogue(&store, &config).await?;
    let web = config.web_settings();
    let files = heard_store::files::FileStore::local(data_dir.join("files"));
    let ingestor = Ingestor::new(
        store.clone(),
        files,
        config.email.mail_settings(&web),
        &web.reference_prefix,
        &web.default_service,
    )
    .await?;
    let progress = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    let summary = import_mail(&ingestor, &paths, &progress).await?;
    progress.finish_and_clear();
    store.close().await;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!(
            "imported {} message(s) ({} opened a case, {} auto-replies/bounces/loops kept without one); {} already present; {} rejected",
            summary.imported,
            summary.cases_opened,
            summary.notices,
            summary.already_present,
            summary.rejected.len()
        );
        for r in &summary.rejected {
            println!("  rejected {}: {}", r.path, r.reason);
        }
    }
    if !summary.rejected.is_empty() {
        anyhow::bail!("{} input(s) were not stored", summary.rejected.len());
    }
    Ok(())
}

/// Imports every message under `paths`.
pub async fn import_mail(ingestor: &Ingestor, paths: &[PathBuf], progress: &ProgressBar) -> anyhow::Result<Summary> {
    let (sources, rejected) = mailbox::discover(paths);
    let mut summary = Summary {
        rejected,
        ..Default::default()
    };
    let total: u64 = sources.iter().map(|s| s.size()).sum();
    progress.set_length(total);
    progress.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {bytes}/{total_bytes} {msg} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let max = ingestor.settings().limits.max_message_bytes;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<mailbox::Item, Rejected>>(CONCURRENCY);
    let reader = tokio::task::spawn_blocking(move || {
        for source in sources {
            let label = match &source {
                mailbox::Source::Message(p) | mailbox::Source::Mbox(p) | mailbox::Source::Maildir(p) => {
                    p.display().to_string()
                }
            };
            let items = match source.items(max) {
                Ok(items) => items,
                Err(e) => {
                    let _ = tx.blocking_send(Err(Rejected {
                        path: label,
                        reason: format!("cannot read: {e}"),
                    }));
                    continue;
                }
            };
            let mut any = false;
            for item in items {
                any = true;
                let sent = match item {
                    Ok(item) => tx.blocking_send(Ok(item)),
                    Err(e) => tx.blocking_send(Err(Rejected {
                        path: label.clone(),
                        reason: format!("cannot read: {e}"),
                    })),
                };
                if sent.is_err() {
                    return;
                }
            }
            if !any {
                let _ = tx.blocking_send(Err(Rejected {
                    path: label,
                    reason: "no messages in it".into(),
                }));
            }
        }
    });
    let mut tasks: JoinSet<(String, u64, Result<Ingested, IngestError>)> = JoinSet::new();
    while let Some(next) = rx.recv().await {
        let item = match next {
            Ok(item) => item,
            Err(r) => {
                summary.rejected.push(r);
                continue;
            }
        };
        let (origin, raw) = match item.body {
            ItemBody::Raw(raw) => (item.origin, raw),
            ItemBody::TooLarge { size } => {
                progress.inc(size);
                summary.rejected.push(Rejected {
                    path: item.origin,
                    reason: format!("the message is {size} bytes, over the {max}-byte limit; nothing was stored"),
                });
                continue;
            }
        };
        while tasks.len() >= CONCURRENCY {
            if let Some(done) = tasks.join_next().await {
                record(&mut summary, done?, progress);
            }
        }
        let ing = ingestor.clone();
        tasks.spawn(async move {
            let size = raw.len() as u64;
            (origin, size, ing.ingest(raw, None, None).await)
        });
    }
    while let Some(done) = tasks.join_next().await {
        record(&mut summary, done?, progress);
    }
    reader.await?;
    Ok(summary)
}

fn record(
    summary: &mut Summary,
    (origin, size, result): (String, u64, Result<Ingested, IngestError>),
    progress: &ProgressBar,
) {
    progress.inc(size);
    match result {
        Ok(Ingested::Contact { case_created, .. }) => {
            summary.imported += 1;
            summary.cases_opened += u64::from(case_created);
        }
        Ok(Ingested::Notice { .. }) => {
            summary.imported += 1;
            summary.notices += 1;
        }
        Ok(Ingested::AlreadyPresent) => summary.already_present += 1,
        Err(e) => {
            tracing::warn!(path = %origin, error = %e, "message not stored");
            summary.rejected.push(Rejected {
                path: origin,
                reason: e.to_string(),
            });
        }
    }
    progress.set_message(format!("{} imported", summary.imported));
}
