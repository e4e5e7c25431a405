//! `heard route …` (in progress).

#[derive(Debug, clap::Subcommand)]
pub enum Command {}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {}
}
