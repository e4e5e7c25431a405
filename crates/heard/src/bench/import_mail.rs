//! `heard bench import-mail`: writes an mbox of N messages (the mix a council mailbox
//! sees: plain text from thousands of senders, replies that thread, HTML mail, small
//! attachments, auto-replies), imports it with `heard import mail` as a child process,
//! and reads the child's wall time, CPU time and peak memory (`VmHWM`) from `/proc`.
//! The raw SQLite insert ceiling is measured in the same run for comparison.

use anyhow::{Context, bail};
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
[[email.mailboxes]]
address = "revsbens@council.example"
service = "revenues-and-benefits"

[[email.mailboxes]]
address = "highways@council.example"
service = "highways"

[[services]]
slug = "customer-services"
name = "Customer Services"

[[services]]
slug = "revenues-and-benefits"
name = "Revenues and Benefits"
keywords = ["council tax", "invoice", "refund", "payment", "billing"]

[[services]]
slug = "highways"
name = "Highways"
keywords = ["pothole", "pavement"]

[[services]]
slug = "waste"
name = "Waste"
keywords = ["bin", "delivery"]
"#;

pub async fn run(messages: usize, senders: usize, keep: Option<&Path>) -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let root = keep.unwrap_or(tmp.path());
    std::fs::create_dir_all(root)?;
    let data = root.join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;
    std::fs::write(data.join("heard.toml"), CONFIG)?;
    let mbox = root.join("bench.mbox");
    let started = Instant::now();
    let bytes = write_mbox(&mbox, messages, senders)?;
    eprintln!(
        "wrote {messages} messages ({:.0} MB) to {} in {:.1}s",
        bytes as f64 / 1e6,
        mbox.display(),
        started.elapsed().as_secs_f64()
    );
    let exe = std::env::current_exe()?;
    let status = Command::new(&exe)
        .arg("--data-dir")
        .arg(&data)
        .arg("migrate")
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("heard migrate failed");
    }
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .arg("--data-dir")
        .arg(&data)
        .args(["import", "mail", "--json"])
        .arg(&mbox)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting heard import mail")?;
    let pid = child.id();
    let (mut peak_kb, mut cpu) = (0u64, 0.0f64);
    while child.try_wait()?.is_none() {
        if let Some(kb) = status_kb(pid, "VmHWM:") {
            peak_kb = peak_kb.max(kb);
        }
        cpu = cpu.max(cpu_seconds(pid));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("heard import mail failed: {}", String::from_utf8_lossy(&out.stdout));
    }
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).context("reading the import's JSON")?;
    let imported = summary["imported"].as_u64().unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({
            "bench": "import-mail", "engine": "sqlite", "messages": messages, "mbox_mb": (bytes as f64 / 1e6).round(),
            "imported": imported, "already_present": summary["already_present"], "rejected": summary["rejected"].as_array().map_or(0, Vec::len),
            "seconds": (wall * 10.0).round() / 10.0, "messages_per_s": (imported as f64 / wall).round(),
            "peak_rss_mb": (peak_kb as f64 / 1024.0).round(), "cpu_ms_per_message": (cpu * 1000.0 / imported.max(1) as f64 * 100.0).round() / 100.0,
        })
    );
    if imported as usize != messages {
        bail!("{imported} of {messages} messages imported");
    }
    super::raw_insert(messages, 1_000).await
}

/// A value (kB) from `/proc/PID/status`.
fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// User + system CPU seconds of a process.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Writes the mbox, streaming; returns its size in bytes.
fn write_mbox(path: &Path, messages: usize, senders: usize) -> anyhow::Result<u64> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut rng = rand::rngs::StdRng::seed_from_u64(311);
    let mut written = 0u64;
    let base = 1_780_000_000i64; // June 2026
    for i in 0..messages {
        let sender = rng.random_range(0..senders.max(1));
        let (subject, body) = super::body_for(i, &mut rng);
        let when = jiff::Timestamp::from_second(base + i as i64 * 20)?;
        let date = jiff::fmt::rfc2822::to_string(&when.to_zoned(jiff::tz::TimeZone::UTC))?;
        let to = if i % 3 == 0 {
            "highways@council.example"
        } else {
            "revsbens@council.example"
        };
        let mut m = format!(
            "From resident{sender}@example.org {}\nReturn-Path: <resident{sender}@example.org>\n\
             Received: from mx.example.org by mx.council.example; {date}\nFrom: Resident {sender} <resident{sender}@example.org>\n\
             To: {to}\nDate: {date}\nMessage-ID: <bench-{i}@example.org>\n",
            when.strftime("%a %b %e %H:%M:%S %Y")
        );
        let kind = i % 100;
        if kind < 15 && i > 100 {
            // A reply in an earlier thread.
            let earlier = i - rng.random_range(1..100);
            m.push_str(&format!(
                "Subject: Re: {subject}\nIn-Reply-To: <bench-{earlier}@example.org>\nReferences: <bench-{earlier}@example.org>\n"
            ));
        } else if kind == 99 {
            m.push_str(&format!(
                "Subject: Automatic reply: {subject}\nAuto-Submitted: auto-replied\n"
            ));
        } else {
            m.push_str(&format!("Subject: {subject}\n"));
        }
        m.push_str("MIME-Version: 1.0\n");
        if kind % 20 == 5 {
            m.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"b{i}\"\n\n--b{i}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\
                 --b{i}\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>{body}</p></body></html>\n--b{i}--\n"
            ));
        } else if kind % 25 == 7 {
            m.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"m{i}\"\n\n--m{i}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\
                 --m{i}\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=\"photo{i}.jpg\"\n\
                 Content-Transfer-Encoding: base64\n\n{}\n--m{i}--\n",
                "/9j/4AAQSkZJRgABAQ".repeat(40)
            ));
        } else {
            m.push_str(&format!("Content-Type: text/plain; charset=utf-8\n\n{body}\n"));
        }
        m.push('\n');
        out.write_all(m.as_bytes())?;
        written += m.len() as u64;
    }
    out.flush()?;
    Ok(written)
}
