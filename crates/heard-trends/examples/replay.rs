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
        heard_trends::Settings::default(),
        BufWriter::new(File::create(out)?),
    )?;
    eprintln!("{summary:?} in {:.2?}", t0.elapsed());
    Ok(())
}
