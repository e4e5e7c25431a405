//! `heard extract --input FILE.jsonl --output FILE.jsonl` (in progress).

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    pub input: std::path::PathBuf,
    #[arg(long)]
    pub output: std::path::PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::bail!("heard extract is not built yet ({})", args.input.display())
}
