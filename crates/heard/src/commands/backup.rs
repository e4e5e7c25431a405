//! `heard backup` and `heard restore`: a consistent copy of a SQLite store, taken while
//! `heard serve` keeps running, and bringing it back.
//!
//! The database is copied with `VACUUM INTO`, which reads one snapshot in a single read
//! transaction: WAL lets the server keep writing meanwhile, and the copy is exactly the
//! database as of one commit (the online backup API would need rusqlite's `backup`
//! feature and restarts under a busy writer). Attachments are copied after the snapshot:
//! files are written before the rows that name them, so every file the snapshot uses is
//! already on disk (one erased in between is reported as missing). A manifest (written
//! last, so a half-made backup has none) records the schema level, the rows per table
//! and the SHA-256 of the database and of every file; `heard restore` checks all of it
//! before it touches the target.
//!
//! PostgreSQL stores are backed up with `pg_dump`/`pg_restore` (README, Backups): this
//! command says so rather than half-doing it.

use crate::config::Config;
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database's file name in a backup folder.
const DATABASE: &str = "heard.db";
/// This manifest layout; restore refuses others.
const FORMAT: u32 = 1;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The folder to write the backup to (created; must be empty or absent).
    #[arg(long)]
    output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A folder written by `heard backup`.
    #[arg(long)]
    input: PathBuf,
    /// Replace a data folder that already holds a database or attachments. Stop heard first.
    #[arg(long)]
    force: bool,
}

/// What a backup holds, written as `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub heard_version: String,
    pub created_at: String,
    pub engine: String,
    pub schema: Schema,
    pub database: FileEntry,
    /// Rows per table in the snapshot, FTS shadow tables included.
    pub tables: BTreeMap<String, i64>,
    /// Every attachment file, by content hash.
    pub files: Vec<FileEntry>,
    /// Hashes the database uses whose bytes were not in the files folder at backup time.
    #[serde(default)]
    pub missing_files: Vec<String>,
    /// Whether the data folder's `heard.toml` is in the backup.
    #[serde(default)]
    pub config: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Schema {
    /// Migrations applied.
    pub migrations: i64,
    /// The newest applied migration's version.
    pub latest: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the backup folder.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The SQLite file behind a database URL, or an error naming pg_dump for PostgreSQL.
fn sqlite_path(config: &Config, data_dir: &Path, what: &str) -> anyhow::Result<PathBuf> {
    let url = config.database_url(data_dir);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!(
            "the store is PostgreSQL: heard {what} handles SQLite stores only. Use PostgreSQL's own tools: \
             `pg_dump --format=custom --file=heard.pgdump \"$DATABASE_URL\"` to back up and \
             `pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" heard.pgdump` to restore, \
             and copy the attachments folder {} beside it (README, Backups)",
            data_dir.join("files").display()
        );
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(&url);
    Ok(PathBuf::from(path))
}

fn progress(len: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}

pub fn backup(args: BackupArgs, data_dir: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(data_dir, config_file)?;
    let db_path = sqlite_path(&config, data_dir, "backup")?;
    if !db_path.exists() {
        bail!("no database at {}: nothing to back up", db_path.display());
    }
    let out = &args.output;
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty: back up into a new folder", out.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    // The snapshot: one read transaction, so one commit's worth of the database.
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_message("copying the database");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let copy = out.join(DATABASE);
    // Read-write only so a WAL database opens whether or not heard is running; nothing is written.
    let source = rusqlite::Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("opening {}", db_path.display()))?;
    source.busy_timeout(std::time::Duration::from_secs(30))?;
    let copy_str = copy.to_str().context("the backup folder's path is not UTF-8")?;
    source
        .execute("VACUUM INTO ?1", [copy_str])
        .context("copying the database (VACUUM INTO)")?;
    drop(source);
    spinner.finish_and_clear();

    let snapshot = rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let (tables, schema) = describe(&snapshot)?;
    let used = used_hashes(&snapshot)?;
    drop(snapshot);
    let database = FileEntry {
        path: DATABASE.into(),
        bytes: std::fs::metadata(&copy)?.len(),
        sha256: hash_file(&copy, None)?,
    };

    // Attachments: every well-named file, hashed while copied.
    let files_dir = data_dir.join("files");
    let found = list_files(&files_dir)?;
    let bar = progress(found.iter().map(|(_, n)| n).sum(), "copying attachments");
    let mut files = Vec::with_capacity(found.len());
    for (hash, _) in &found {
        let rel = format!("files/{}/{hash}", &hash[..2]);
        let dest = out.join(&rel);
        let bytes = copy_hashed(&files_dir.join(&hash[..2]).join(hash), &dest, &bar)?;
        if bytes.1 != *hash {
            bail!(
                "{} does not hold what its name says (its SHA-256 is {}): the attachment store is damaged",
                files_dir.join(&hash[..2]).join(hash).display(),
                bytes.1
            );
        }
        files.push(FileEntry {
            path: rel,
            bytes: bytes.0,
            sha256: bytes.1,
        });
    }
    bar.finish_and_clear();
    let have: std::collections::HashSet<&str> = files.iter().map(|f| f.sha256.as_str()).collect();
    let missing_files: Vec<String> = used.into_iter().filter(|h| !have.contains(h.as_str())).collect();

    let config_src = config_file
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("heard.toml"));
    let with_config = config_src.is_file();
    if with_config {
        std::fs::copy(&config_src, out.join("heard.toml")).context("copying the config")?;
    }
    let manifest = Manifest {
        format: FORMAT,
        heard_version: env!("CARGO_PKG_VERSION").into(),
        created_at: jiff::Timestamp::now().to_string(),
        engine: "sqlite".into(),
        schema,
        database,
        tables,
        files,
        missing_files,
        config: with_config,
    };
    write_synced(&out.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    let rows: i64 = manifest.tables.values().sum();
    println!(
        "backed up to {}: database {} bytes ({} tables, {rows} rows, migration {}), {} attachment file(s)",
        out.display(),
        manifest.database.bytes,
        manifest.tables.len(),
        manifest.schema.latest,
        manifest.files.len()
    );
    if !manifest.missing_files.is_empty() {
        eprintln!(
            "warning: {} file(s) the database names were not in {} (listed in the manifest as missing_files)",
            manifest.missing_files.len(),
            files_dir.display()
        );
    }
    Ok(())
}

pub fn restore(args: RestoreArgs, data_dir: &Path, config_file: Option<&Path>) -> anyhow::Result<()> {
    let input = &args.input;
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(input.join(MANIFEST)).with_context(|| {
        format!(
            "reading {} (is this a finished heard backup?)",
            input.join(MANIFEST).display()
        )
    })?)
    .context("reading the backup's manifest")?;
    if manifest.format != FORMAT || manifest.engine != "sqlite" {
        bail!(
            "this backup is format {} for {}; this heard restores format {FORMAT} for sqlite",
            manifest.format,
            manifest.engine
        );
    }

    // Every byte checked before anything in the target changes.
    let total = manifest.database.bytes + manifest.files.iter().map(|f| f.bytes).sum::<u64>();
    let bar = progress(total, "checking the backup");
    for entry in std::iter::once(&manifest.database).chain(&manifest.files) {
        let rel = Path::new(&entry.path);
        if rel.is_absolute() || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            bail!("the manifest names {:?}, outside the backup folder", entry.path);
        }
        let got = hash_file(&input.join(rel), Some(&bar)).with_context(|| format!("reading {}", entry.path))?;
        if got != entry.sha256 {
            bail!(
                "{} is damaged: its SHA-256 is {got}, the manifest says {}",
                entry.path,
                entry.sha256
            );
        }
    }
    bar.finish_and_clear();

    // The config in the backup applies when the target has none of its own.
    let target_config = config_file
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("heard.toml"));
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    if manifest.config && !target_config.exists() {
        std::fs::copy(input.join("heard.toml"), &target_config).context("restoring the config")?;
    }
    let config = Config::load(data_dir, config_file)?;
    let db_path = sqlite_path(&config, data_dir, "restore")?;
    let files_dir = data_dir.join("files");
    let has_db = std::fs::metadata(&db_path).map(|m| m.len() > 0).unwrap_or(false);
    let has_files = !list_files(&files_dir)?.is_empty();
    if (has_db || has_files) && !args.force {
        bail!(
            "{} already holds a store ({}): restore into an empty data folder, or pass --force (with heard stopped) to replace it",
            data_dir.display(),
            match (has_db, has_files) {
                (true, true) => "a database and attachments",
                (true, false) => "a database",
                _ => "attachments",
            }
        );
    }

    // The database: copied beside, synced, then renamed over (with its WAL gone).
    if let Some(dir) = db_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = db_path.with_extension("db.restoring");
    copy_hashed(&input.join(&manifest.database.path), &tmp, &ProgressBar::hidden())?;
    for suffix in ["-wal", "-shm"] {
        let mut p = db_path.clone().into_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).context("removing the old WAL"),
            _ => {}
        }
    }
    std::fs::rename(&tmp, &db_path).with_context(|| format!("moving the database into {}", db_path.display()))?;

    // Attachments: the backup's, and (replacing) none that it does not have.
    let bar = progress(manifest.files.iter().map(|f| f.bytes).sum(), "restoring attachments");
    let keep: std::collections::HashSet<&str> = manifest.files.iter().map(|f| f.sha256.as_str()).collect();
    for (hash, _) in list_files(&files_dir)? {
        if !keep.contains(hash.as_str()) {
            std::fs::remove_file(files_dir.join(&hash[..2]).join(&hash))?;
        }
    }
    for f in &manifest.files {
        let dest = files_dir.join(&f.sha256[..2]).join(&f.sha256);
        if dest.exists() && hash_file(&dest, None)? == f.sha256 {
            bar.inc(f.bytes);
            continue;
        }
        let tmp = dest.with_extension("restoring");
        copy_hashed(&input.join(&f.path), &tmp, &bar)?;
        std::fs::rename(&tmp, &dest)?;
    }
    bar.finish_and_clear();

    // The restored database is whole and holds the manifest's rows. It is not opened as a
    // store here: that would refresh its planner statistics, and the restore is exact.
    let check = rusqlite::Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = check.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    let (tables, _) = describe(&check)?;
    drop(check);
    if verdict != "ok" {
        bail!("the restored database fails SQLite's check: {verdict}");
    }
    if tables != manifest.tables {
        bail!("the restored database's row counts differ from the manifest's");
    }
    println!(
        "restored {} into {}: {} tables, {} rows, {} attachment file(s), migration {}, taken {}",
        input.display(),
        data_dir.display(),
        tables.len(),
        tables.values().sum::<i64>(),
        manifest.files.len(),
        manifest.schema.latest,
        manifest.created_at
    );
    if manifest.heard_version != env!("CARGO_PKG_VERSION") {
        println!(
            "the backup was made by heard {}: `heard migrate` brings an older schema up to date",
            manifest.heard_version
        );
    }
    Ok(())
}

/// Rows per table and the migration level, read from one database.
fn describe(conn: &rusqlite::Connection) -> anyhow::Result<(BTreeMap<String, i64>, Schema)> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = BTreeMap::new();
    for name in names {
        // Virtual tables (FTS5) are counted through their shadow tables.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let sql: String = conn.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [&name], |r| r.get(0))?;
        if sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE") {
            continue;
        }
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {quoted}"), [], |r| r.get(0))?;
        tables.insert(name, n);
    }
    let schema = conn
        .query_row(
            "SELECT count(*), coalesce(max(version), 0) FROM _sqlx_migrations WHERE success",
            [],
            |r| {
                Ok(Schema {
                    migrations: r.get(0)?,
                    latest: r.get(1)?,
                })
            },
        )
        .context("the database has no migration table: is it a heard database?")?;
    Ok((tables, schema))
}

/// The attachment hashes the database refers to.
fn used_hashes(conn: &rusqlite::Connection) -> anyhow::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT sha256 FROM attachments UNION SELECT raw_sha256 FROM email_notices ORDER BY 1")?;
    let hashes = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(hashes)
}

/// The attachment store's files as (hash, size), skipping temporary and foreign names.
fn list_files(root: &Path) -> anyhow::Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let dirs = match std::fs::read_dir(root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("reading {}", root.display())),
    };
    for dir in dirs {
        let dir = dir?;
        if !dir.file_type()?.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path())? {
            let f = f?;
            let name = f.file_name().to_string_lossy().into_owned();
            let well_named = name.len() == 64
                && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && dir.file_name().to_string_lossy() == name[..2];
            if well_named && f.file_type()?.is_file() {
                out.push((name, f.metadata()?.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Copies `from` to `to` (synced), returning (bytes, SHA-256 hex).
fn copy_hashed(from: &Path, to: &Path, bar: &ProgressBar) -> anyhow::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut src = std::fs::File::open(from).with_context(|| format!("reading {}", from.display()))?;
    let mut dst = std::fs::File::create(to).with_context(|| format!("writing {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        total += n as u64;
        bar.inc(n as u64);
    }
    dst.sync_all()?;
    Ok((total, hex::encode(hasher.finalize())))
}

fn hash_file(path: &Path, bar: Option<&ProgressBar>) -> anyhow::Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(bar) = bar {
            bar.inc(n as u64);
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
