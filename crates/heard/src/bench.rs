//! `heard bench …`: the measurements recorded in docs/BENCHMARKS.md.

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {}
}
