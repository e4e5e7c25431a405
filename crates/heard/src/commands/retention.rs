//! `heard retention report|run`: the retention schedule (`[[retention]]`) from the
//! command line. `report` is the dry run — what would go, and under which rule — and
//! `run` removes it, printing what went (`heard serve` also runs it once a day).

use crate::config::Config;
use anyhow::Context;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the closed cases past their rule, without changing anything.
    Report,
    /// Remove the personal data of the closed cases past their rule.
    Run,
}

pub async fn run(command: Command, data_dir: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(data_dir, config_file)?;
    let store = crate::open(&config, data_dir).await?;
    store.ensure_current().await.context("heard retention will not start")?;
    if config.retention.is_empty() {
        println!("no retention schedule: add [[retention]] rules to the config; nothing is due");
        return Ok(());
    }
    let due = store
        .retention_due(
            &config.retention,
            jiff::Timestamp::now(),
            &config.council.reference_prefix,
        )
        .await?;
    let print = |cases: &[heard_store::retention::Due]| {
        println!("case\tservice\tkind\tclosed\trule");
        for d in cases {
            println!(
                "{}\t{}\t{}\t{}\t{}",
                d.case,
                d.service,
                d.kind,
                d.closed_at.strftime("%Y-%m-%d"),
                d.rule
            );
        }
    };
    match command {
        Command::Report => {
            print(&due);
            println!("{} case(s) would have their personal data removed", due.len());
        }
        Command::Run => {
            let applied = apply(&store, data_dir, &due).await?;
            print(&applied);
            println!("{} case(s) had their personal data removed", applied.len());
        }
    }
    store.close().await;
    Ok(())
}

/// Applies the schedule to `due` and removes the files nothing uses any more.
pub async fn apply(
    store: &heard_store::Store,
    data_dir: &Path,
    due: &[heard_store::retention::Due],
) -> anyhow::Result<Vec<heard_store::retention::Due>> {
    let applied = store.apply_retention(due).await?;
    let files = heard_store::files::FileStore::local(data_dir.join("files"));
    for f in &applied.orphaned_files {
        if let Err(e) = files.remove(f).await {
            tracing::error!(sha256 = %f, error = %e, "a file past its retention could not be removed");
        }
    }
    Ok(applied.cases)
}
