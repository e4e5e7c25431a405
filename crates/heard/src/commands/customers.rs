//! `heard customers link|dedupe`: recognising the customer across CSV lists, for importing a
//! council's existing CRM and finding its duplicates. Writes `left_id,right_id,score`, best
//! first, down to a low score so a threshold can be chosen afterwards.

use anyhow::Context;
use heard_understand::customers::{self, Linkage, Options, Record, table};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Match the records of one list against another (e.g. a CRM export against council tax).
    Link {
        #[arg(long)]
        left: PathBuf,
        #[arg(long)]
        right: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Find records in one list that are the same customer.
    Dedupe {
        #[arg(long)]
        input: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Where to write `left_id,right_id,score` ("-" for standard output).
    #[arg(long)]
    output: PathBuf,
    /// Column mapping, e.g. "id=rec_id,given_name=forename,address=line1+line2"; parts not
    /// named are detected from the header (id, given_name, surname, name, street_number,
    /// address, locality, postcode, date_of_birth, email, phone).
    #[arg(long)]
    columns: Option<String>,
    /// Leave out pairs scoring below this (0–1).
    #[arg(long, default_value_t = 0.001, value_parser = probability)]
    min_score: f64,
    /// Also write, per pair, which fields agreed and their weights (a "reasons" column).
    #[arg(long)]
    reasons: bool,
    /// Threads to use (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a score between 0 and 1")),
    }
}

fn read(path: &Path, mapping: &[(String, Vec<String>)]) -> anyhow::Result<Vec<Record>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    table::read_records(&bytes, mapping).with_context(|| format!("{}", path.display()))
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let start = Instant::now();
    let (common, lists) = match &command {
        Command::Link { left, right, common } => (common, vec![left.as_path(), right.as_path()]),
        Command::Dedupe { input, common } => (common, vec![input.as_path()]),
    };
    let mapping = match &common.columns {
        Some(spec) => table::parse_mapping(spec).context("--columns")?,
        None => Vec::new(),
    };
    let options = Options {
        threads: common
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1),
        min_probability: common.min_score,
        ..Options::default()
    };
    let (left, right, linkage) = if let [l, r] = lists.as_slice() {
        let (left, right) = std::thread::scope(|s| {
            let reading = s.spawn(|| read(r, &mapping));
            let left = read(l, &mapping);
            (left, reading.join().expect("reading panicked"))
        });
        let (left, right) = (left?, right?);
        let linkage = customers::link(&left, &right, &options).context("linking")?;
        (left, Some(right), linkage)
    } else {
        let records = read(lists[0], &mapping)?;
        let linkage = customers::dedupe(&records, &options).context("de-duplicating")?;
        (records, None, linkage)
    };
    write_pairs(&common.output, &left, right.as_deref(), &linkage, common.reasons)?;
    let m = linkage.matcher.model();
    eprintln!(
        "{} record(s), {} candidate pair(s) compared, {} written (score >= {}), {} EM iteration(s), {:.2} s",
        left.len() + right.as_ref().map_or(0, Vec::len),
        linkage.candidates,
        linkage.pairs.len(),
        common.min_score,
        m.em_iterations,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_pairs(
    output: &Path,
    left: &[Record],
    right: Option<&[Record]>,
    linkage: &Linkage,
    reasons: bool,
) -> anyhow::Result<()> {
    let right_list = right.unwrap_or(left);
    let mut out = Vec::with_capacity(linkage.pairs.len() * 40);
    out.extend_from_slice(if reasons {
        b"left_id,right_id,score,reasons\n".as_slice()
    } else {
        b"left_id,right_id,score\n".as_slice()
    });
    for p in &linkage.pairs {
        let (a, b) = (&left[p.left], &right_list[p.right]);
        let score = format!("{:.6}", p.probability);
        if reasons {
            let c = linkage.matcher.compare(a, b);
            let mut why: Vec<String> = c
                .reasons
                .iter()
                .map(|r| {
                    format!(
                        "{}: {} {:+.1} (vs household {:+.1})",
                        r.field.name(),
                        r.level,
                        r.weight,
                        r.household_weight
                    )
                })
                .collect();
            why.push(format!("household: {:.3}", c.household_probability));
            table::write_row(&mut out, &[&a.id, &b.id, &score, &why.join("; ")]);
        } else {
            table::write_row(&mut out, &[&a.id, &b.id, &score]);
        }
    }
    if output == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&out)?;
        stdout.flush()?;
    } else {
        std::fs::write(output, &out).with_context(|| format!("writing {}", output.display()))?;
    }
    Ok(())
}
