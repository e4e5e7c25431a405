//! SQLite's single writer, with group commit.
//!
//! SQLite takes one write transaction at a time, and every statement sent through an
//! async driver costs a hand-off between threads. On the intake hot path that hand-off,
//! not SQLite, was the cost (measured: ~75 µs a statement; see docs/BENCHMARKS.md). So
//! intake runs here instead: one thread owns one connection (rusqlite, sharing sqlx's
//! bundled SQLite), runs each job's statements directly, and commits every job that
//! arrived meanwhile in one transaction — one fsync for many contacts. A job's result is
//! released only after the commit is durable.
//!
//! FTS5 flushes its pending index to disk whenever a savepoint opens — and SQLite opens a
//! statement savepoint for every insert into a table with foreign keys — so indexing each
//! contact as it was inserted wrote one index segment per contact (a third of the
//! writer's time). Instead the writer indexes all the batch's new contacts in one
//! statement just before it commits: one segment per batch, searchable the moment the
//! batch commits. For the same reason a batch first runs without savepoints; if any job
//! fails, the batch is rolled back and run again with a savepoint per job, so the failing
//! job rolls back alone and the others still commit. Jobs are therefore re-runnable.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::sync::mpsc;

/// Most jobs committed together; bounds the latency one commit adds.
const MAX_BATCH: usize = 256;

/// A unit of work for the writer: run (perhaps twice), then told how the commit went.
trait Job: Send {
    /// Runs the job's statements; false if it failed (its error is kept for `finish`).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Hands the result over, or the commit's error.
    fn finish(self: Box<Self>, commit_error: Option<&str>);
}

struct Typed<T, F> {
    f: F,
    result: Option<Result<T>>,
    done: tokio::sync::oneshot::Sender<Result<T>>,
}

impl<T: Send, F: Fn(&Connection) -> Result<T> + Send> Job for Typed<T, F> {
    fn run(&mut self, conn: &Connection) -> bool {
        let r = (self.f)(conn);
        let ok = r.is_ok();
        self.result = Some(r);
        ok
    }

    fn finish(self: Box<Self>, commit_error: Option<&str>) {
        let outcome = match (commit_error, self.result) {
            (None, Some(r)) => r,
            (Some(e), _) => Err(StoreError::Engine(format!("commit failed: {e}"))),
            (None, None) => Err(StoreError::Engine("the job never ran".into())),
        };
        let _ = self.done.send(outcome);
    }
}

/// A handle to the writer thread; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct SqliteWriter {
    jobs: mpsc::Sender<Box<dyn Job>>,
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
        let (tx, rx) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("heard-sqlite-writer".into())
            .spawn(move || run(conn, rx))
            .map_err(|e| StoreError::Engine(format!("cannot start the SQLite writer: {e}")))?;
        Ok(SqliteWriter { jobs: tx })
    }

    /// Runs `f` in the next group-committed transaction; resolves once that commit is
    /// durable. `f` may run twice (see the module docs), so it must only write.
    pub async fn run<T: Send + 'static>(&self, f: impl Fn(&Connection) -> Result<T> + Send + 'static) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel::<Result<T>>();
        self.jobs
            .send(Box::new(Typed { f, result: None, done }))
            .map_err(|_| StoreError::Engine("the SQLite writer has stopped".into()))?;
        result
            .await
            .map_err(|_| StoreError::Engine("the write did not happen; see the server log".into()))?
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the jobs unrun tells each caller its write did not happen.
            tracing::error!(error = %e, "SQLite writer could not begin a transaction");
            continue;
        }
        let indexed_up_to: i64 = match conn.query_row("SELECT coalesce(max(id), 0) FROM contacts", [], |r| r.get(0)) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "SQLite writer could not read the contacts' high-water mark");
                let _ = conn.execute_batch("ROLLBACK");
                continue;
            }
        };
        let mut all_ok = true;
        for job in batch.iter_mut() {
            if !job.run(&conn) {
                all_ok = false;
                break;
            }
        }
        if !all_ok {
            // Again, each job in its own savepoint, so only the failing ones roll back.
            let _ = conn.execute_batch("ROLLBACK");
            if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
                tracing::error!(error = %e, "SQLite writer could not begin a transaction");
                continue;
            }
            for job in batch.iter_mut() {
                let _ = conn.execute_batch("SAVEPOINT job");
                let end = if job.run(&conn) {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                if let Err(e) = conn.execute_batch(end) {
                    tracing::error!(error = %e, "SQLite writer savepoint failed");
                }
            }
        }
        let index = conn.execute(
            "INSERT INTO contacts_fts (rowid, subject, body) SELECT id, subject, body FROM contacts WHERE id > ?1",
            [indexed_up_to],
        );
        let commit_error = match index {
            Ok(_) => conn.execute_batch("COMMIT").err().map(|e| e.to_string()),
            Err(e) => Some(format!("indexing new contacts: {e}")),
        };
        if let Some(e) = &commit_error {
            tracing::error!(error = %e, "SQLite writer commit failed");
            let _ = conn.execute_batch("ROLLBACK");
        }
        for job in batch {
            job.finish(commit_error.as_deref());
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
