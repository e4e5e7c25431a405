//! `heard trends replay`: run the emerging-issue detector over a recorded history, day by
//! day, exactly as it would have raised alarms live. Councils backtest their settings with
//! it; the trend benchmark (docs/BENCHMARKS.md) calls it.

use anyhow::{Context, bail};
use heard_trends::Settings;
use heard_trends::replay::{read_texts, replay};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Replay a stream of contacts and write every unit-day's alarm score.
    ///
    /// Writes `category,site,alarm_date,score,evidence,window_days,observed,expected` rows:
    /// every category × site and day whose score (−log10 of how unlikely the recent contacts
    /// are under the unit's own history) reaches `--min-score`, so a threshold can be chosen
    /// afterwards. An alarm dated D uses only contacts up to D.
    Replay {
        /// CSV with `timestamp,category,site,text_id` (other columns ignored; any order).
        #[arg(long)]
        stream: PathBuf,
        /// CSV with `text_id,text`. Without it, only counts are used.
        #[arg(long)]
        texts: Option<PathBuf>,
        /// Where to write the alarms (replaced atomically; must not be an input).
        #[arg(long)]
        output: PathBuf,
        /// Lowest score written (candidates below are dropped).
        #[arg(long, default_value_t = 1.0)]
        min_score: f64,
        /// Take every record's category and site as given (do not read them from the text).
        #[arg(long)]
        no_recover: bool,
    },
}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Replay {
            stream,
            texts,
            output,
            min_score,
            no_recover,
        } => {
            for input in std::iter::once(&stream).chain(texts.as_ref()) {
                if same_file(input, &output) {
                    bail!(
                        "--output {} is one of the inputs; choose another path",
                        output.display()
                    );
                }
            }
            if !(min_score.is_finite() && min_score >= 0.0) {
                bail!("--min-score must be a number ≥ 0, not {min_score}");
            }
            let started = Instant::now();
            let texts = match &texts {
                Some(path) => {
                    let file = File::open(path).with_context(|| format!("opening --texts {}", path.display()))?;
                    read_texts(BufReader::new(file), &path.display().to_string())?
                }
                None => HashMap::new(),
            };
            let input = File::open(&stream).with_context(|| format!("opening --stream {}", stream.display()))?;
            let dir = output
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("creating a file in {}", dir.display()))?;
            let mut settings = Settings {
                min_score,
                ..Settings::default()
            };
            if no_recover {
                settings.recovery = None;
            }
            let summary = replay(
                BufReader::new(input),
                &stream.display().to_string(),
                &texts,
                settings,
                BufWriter::new(tmp.as_file()),
            )?;
            tmp.persist(&output)
                .with_context(|| format!("writing {}", output.display()))?;
            eprintln!(
                "replayed {} contacts ({} to {}) in {:.1?}: {} alarm rows written to {}",
                summary.contacts,
                summary.first_day.as_deref().unwrap_or("-"),
                summary.last_day.as_deref().unwrap_or("-"),
                started.elapsed(),
                summary.alarms,
                output.display()
            );
            if summary.unsorted > 0 {
                eprintln!(
                    "  {} rows were out of time order (sorted before replaying)",
                    summary.unsorted
                );
            }
            if summary.without_site > 0 {
                eprintln!(
                    "  {} rows had no site (placed from their text where it was clear)",
                    summary.without_site
                );
            }
            if summary.without_text > 0 {
                eprintln!("  {} rows had no text (counted, not compared)", summary.without_text);
            }
            if summary.rejected > 0 {
                eprintln!("  {} rows could not be read and were skipped:", summary.rejected);
                for example in &summary.rejected_examples {
                    eprintln!("    {example}");
                }
            }
            Ok(())
        }
    }
}

/// True when both paths name one existing file (or are spelt the same).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
