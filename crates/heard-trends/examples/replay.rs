//! Development driver: `cargo run --release -p heard-trends --example replay -- STREAM TEXTS OUT`
//! (the product command is `heard trends replay`).
use std::fs::File;
use std::io::BufWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [stream, texts, out] = args.as_slice() else {
        return Err("usage: replay STREAM TEXTS OUT".into());
    };
    let t0 = std::time::Instant::now();
    let texts = heard_trends::replay::read_texts(File::open(texts)?, texts)?;
    let summary = heard_trends::replay::replay(
        File::open(stream)?,
        stream,
        &texts,
        settings(),
        BufWriter::new(File::create(out)?),
    )?;
    eprintln!("{summary:?} in {:.2?}", t0.elapsed());
    Ok(())
}

/// Settings from the environment, for experiments (`TRENDS_THETA=0.25` …).
fn settings() -> heard_trends::Settings {
    let mut s = heard_trends::Settings::default();
    let get = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    if let Some(v) = get("TRENDS_THETA") {
        s.similarity = v as f32;
    }
    if let Some(v) = get("TRENDS_SHARE") {
        s.alike_share = Some(v);
    }
    if let Some(v) = get("TRENDS_SEASON") {
        s.season_weight = v;
    }
    if let Some(v) = get("TRENDS_DISPERSION") {
        s.dispersion = v;
    }
    if let Some(v) = get("TRENDS_PRIOR") {
        s.prior_contacts = v;
    }
    s
}
