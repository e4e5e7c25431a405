//! SQLite's single writer, with group commit.
//!
//! SQLite takes one write transaction at a time, and every statement sent through an
//! async driver costs a hand-off between threads. On the intake hot path that hand-off,
//! not SQLite, was the cost (measured: ~75 µs a statement; see docs/BENCHMARKS.md). So
//! intake runs here instead: one thread owns one connection (rusqlite, sharing sqlx's
//! bundled SQLite), runs each job's statements directly, and commits every job that
//! arrived meanwhile in one transaction — one fsync for many contacts. Each job runs in
//! its own savepoint, so one failing job rolls back alone. A job's result is released
//! only after the commit is durable.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::sync::mpsc;

/// Most jobs committed together; bounds the latency one commit adds.
const MAX_BATCH: usize = 256;

type Completion = Box<dyn FnOnce(Option<&str>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> (bool, Completion) + Send>;

/// A handle to the writer thread; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
}

impl SqliteWriter {
    /// Opens the writer's connection to `path` and starts its thread.
    pub fn start(path: &str, fsync_each_commit: bool) -> Result<SqliteWriter> {
        let conn = Connection::open(path).map_err(db_err)?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
             PRAGMA cache_size = -32768; PRAGMA temp_store = memory; \
             PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;",
            if fsync_each_commit { "FULL" } else { "NORMAL" }
        ))
        .map_err(db_err)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("heard-sqlite-writer".into())
            .spawn(move || run(conn, rx))
            .map_err(|e| StoreError::Engine(format!("cannot start the SQLite writer: {e}")))?;
        Ok(SqliteWriter { jobs: tx })
    }

    /// Runs `f` in the next group-committed transaction; resolves once that commit is durable.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce(&Connection) -> Result<T> + Send + 'static) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn| {
            let outcome = f(conn);
            let ok = outcome.is_ok();
            let completion: Completion = Box::new(move |commit_error| {
                let _ = done.send(match commit_error {
                    None => outcome,
                    Some(e) => Err(StoreError::Engine(format!("commit failed: {e}"))),
                });
            });
            (ok, completion)
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Engine("the SQLite writer has stopped".into()))?;
        result
            .await
            .map_err(|_| StoreError::Engine("the write did not happen; see the server log".into()))?
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let mut completions = Vec::with_capacity(batch.len());
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the jobs unrun tells each caller its write did not happen.
            tracing::error!(error = %e, "SQLite writer could not begin a transaction");
            continue;
        }
        for job in batch {
            let _ = conn.execute_batch("SAVEPOINT job");
            let (ok, completion) = job(&conn);
            let end = if ok {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            if let Err(e) = conn.execute_batch(end) {
                tracing::error!(error = %e, "SQLite writer savepoint failed");
            }
            completions.push(completion);
        }
        let commit_error = conn.execute_batch("COMMIT").err().map(|e| e.to_string());
        if let Some(e) = &commit_error {
            tracing::error!(error = %e, "SQLite writer commit failed");
            let _ = conn.execute_batch("ROLLBACK");
        }
        for c in completions {
            c(commit_error.as_deref());
        }
    }
}

/// rusqlite errors as store errors, keeping unique violations recognisable.
pub(crate) fn db_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && (f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    {
        return StoreError::Conflict(format!("unique: {e}"));
    }
    StoreError::Engine(e.to_string())
}
