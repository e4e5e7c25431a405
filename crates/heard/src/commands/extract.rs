//! `heard extract --input FILE.jsonl --output FILE.jsonl`: card redaction and data extraction
//! over JSON lines, for checks from outside and for trying patterns on real mail.
//!
//! Each input line is `{"id": …, "text": "…", "subject": "…"?}` (other keys are ignored; blank
//! lines are skipped). Each output line, in input order, is
//!
//! ```json
//! {"id": …, "redacted_text": "…", "entities": [{"type": "postcode", "value": "GL50 1AA", "start": 10, "end": 18, "confidence": 0.98}]}
//! ```
//!
//! `start`/`end` count Unicode characters (code points) of `redacted_text`, end exclusive, so
//! `redacted_text[start:end]` in Python is the text the value was read from. When the line has a
//! subject, it is redacted and read on its own: `redacted_subject` and `subject_entities` (spans
//! into `redacted_subject`) are added; `entities` is always about the text only.

use anyhow::{Context, bail};
use heard_understand::extract::{Entity, ExtractConfig, Extractor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON lines to read: {"id", "text", "subject"?}.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the results (JSON lines, same order).
    #[arg(long)]
    pub output: PathBuf,
    /// A TOML file configuring extraction: `[[references]]` tables (name, regex, labels,
    /// context, check_digit) replacing the built-in council reference patterns, and optionally
    /// `fallback_reference`, `case_prefix`, `reference_date`.
    #[arg(long)]
    pub references: Option<PathBuf>,
    /// The council's case reference prefix [default: HRD, or the file's `case_prefix`].
    #[arg(long)]
    pub case_prefix: Option<String>,
    /// The day the messages were written (YYYY-MM-DD), for dates without a year
    /// [default: today].
    #[arg(long)]
    pub today: Option<jiff::civil::Date>,
}

#[derive(Debug, Deserialize)]
struct Line {
    id: Value,
    text: String,
    #[serde(default)]
    subject: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut config = match &args.references {
        Some(path) => {
            let raw = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<ExtractConfig>(&raw).with_context(|| format!("in {}", path.display()))?
        }
        None => ExtractConfig::default(),
    };
    if let Some(prefix) = &args.case_prefix {
        config.case_prefix = prefix.clone();
    }
    config.reference_date = Some(match (args.today, config.reference_date) {
        (Some(d), _) | (None, Some(d)) => d,
        (None, None) => jiff::Zoned::now().date(),
    });
    let extractor = Extractor::new(&config)?;

    let input = std::fs::File::open(&args.input).with_context(|| format!("opening {}", args.input.display()))?;
    let output = std::fs::File::create(&args.output).with_context(|| format!("creating {}", args.output.display()))?;
    let mut out = BufWriter::new(output);
    let mut reader = BufReader::new(input);
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("reading {}", args.input.display()))?;
        if n == 0 {
            break;
        }
        number += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            bail!("{}: line {number} is not UTF-8", args.input.display());
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).with_context(|| {
            format!(
                "{}: line {number} is not {{\"id\", \"text\", \"subject\"?}}",
                args.input.display()
            )
        })?;
        serde_json::to_writer(&mut out, &process(&extractor, parsed))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct Out {
    id: Value,
    redacted_text: String,
    entities: Vec<OutEntity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted_subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_entities: Option<Vec<OutEntity>>,
}

#[derive(Serialize)]
struct OutEntity {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    start: usize,
    end: usize,
    confidence: f64,
}

fn process(extractor: &Extractor, line: Line) -> Out {
    let text = extractor.analyse(&line.text);
    let subject = line.subject.map(|s| extractor.analyse(&s));
    Out {
        id: line.id,
        entities: entities_json(&text.redacted.text, text.entities),
        redacted_text: text.redacted.text,
        subject_entities: subject
            .as_ref()
            .map(|s| entities_json(&s.redacted.text, s.entities.clone())),
        redacted_subject: subject.map(|s| s.redacted.text),
    }
}

/// Entities with character offsets instead of byte offsets.
fn entities_json(text: &str, entities: Vec<Entity>) -> Vec<OutEntity> {
    let mut positions: Vec<usize> = entities.iter().flat_map(|e| [e.start, e.end]).collect();
    positions.sort_unstable();
    positions.dedup();
    let mut chars_at = std::collections::HashMap::with_capacity(positions.len());
    let (mut byte, mut chars) = (0, 0);
    for p in positions {
        chars += text.get(byte..p).map_or(0, |s| s.chars().count());
        byte = p;
        chars_at.insert(p, chars);
    }
    entities
        .into_iter()
        .map(|e| OutEntity {
            start: chars_at[&e.start],
            end: chars_at[&e.end],
            kind: e.kind,
            value: e.value,
            confidence: (f64::from(e.confidence) * 100.0).round() / 100.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &str) -> anyhow::Result<Vec<Value>> {
        let dir = tempfile::tempdir()?;
        let (i, o) = (dir.path().join("in.jsonl"), dir.path().join("out.jsonl"));
        std::fs::write(&i, input)?;
        run(Args {
            input: i,
            output: o.clone(),
            references: None,
            case_prefix: None,
            today: Some("2025-05-01".parse()?),
        })?;
        Ok(std::fs::read_to_string(o)?
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect())
    }

    #[test]
    fn lines_in_lines_out() {
        let out = run_on(concat!(
            r#"{"id": 1, "text": "£5 owed. Card 4111 1111 1111 1111 exp 03/27. Postcode gl50 1aa."}"#,
            "\n\n",
            r#"{"id": "b", "subject": "Re: [HRD-000123]", "text": "Call 07700 900123 on 3rd March"}"#,
            "\n"
        ))
        .unwrap();
        assert_eq!(out.len(), 2);
        let a = &out[0];
        assert_eq!(a["id"], 1);
        let text = a["redacted_text"].as_str().unwrap();
        assert!(!text.contains("4111") && !text.contains("03/27"));
        let chars: Vec<char> = text.chars().collect();
        for e in a["entities"].as_array().unwrap() {
            let (s, t) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            let span: String = chars[s..t].iter().collect();
            if e["type"] == "postcode" {
                assert_eq!(span, "gl50 1aa");
                assert_eq!(e["value"], "GL50 1AA");
            }
        }
        let b = &out[1];
        assert_eq!(b["subject_entities"][0]["value"], "HRD-000123");
        let types: Vec<&str> = b["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["phone", "date"]);
        assert_eq!(b["entities"][1]["value"], "2025-03-03");
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = run_on("{\"id\": 1, \"text\": \"ok\"}\nnot json\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
    }
}
