//! Opening a store, migrating it, and the two macros every query goes through.

use crate::{Result, StoreError};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which SQL dialect a store speaks, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The connection pools behind a [`Store`].
///
/// SQLite has one writer at a time however many connections ask, so writes go through
/// a single-connection pool (no `SQLITE_BUSY` between our own connections) and reads
/// through a pool of their own, which WAL lets run beside the writer.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
        writer: crate::sqlite_writer::SqliteWriter,
    },
    Postgres(PgPool),
}

/// Tuning for opening a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections for reads (SQLite) or for everything (PostgreSQL).
    pub max_connections: u32,
    /// SQLite only: fsync on every commit (`synchronous=FULL`), so an acknowledged write
    /// survives power loss, not only a killed process.
    pub sqlite_fsync_each_commit: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            sqlite_fsync_each_commit: true,
        }
    }
}

/// Where a database's schema stands relative to this build of heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// Every migration this build knows is applied, and nothing else.
    Current,
    /// Some migrations are not applied yet: run `heard migrate`.
    Behind { applied: usize, known: usize },
    /// The database was migrated by a newer heard: this build must not touch it.
    Ahead { unknown_version: i64 },
}

/// heard's database. Cheap to clone: it holds pools.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// This process's own counts, for monitoring (see `stats`).
    pub(crate) stats: std::sync::Arc<crate::stats::Stats>,
}

impl Store {
    /// Opens (creating if needed, for SQLite) the database at `url`: `sqlite://PATH`,
    /// a bare file path, or `postgres://…`. Does not migrate.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            return Ok(Store {
                db: Db::Postgres(pool),
                stats: Default::default(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.sqlite_fsync_each_commit {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(connect.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect.read_only(true))
            .await?;
        let writer = crate::sqlite_writer::SqliteWriter::start(path, options.sqlite_fsync_each_commit)?;
        Ok(Store {
            db: Db::Sqlite { write, read, writer },
            stats: Default::default(),
        })
    }

    pub fn dialect(&self) -> Dialect {
        match self.db {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self.db {
            Db::Sqlite { .. } => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every pending migration. Refuses a database migrated by a newer heard.
    pub async fn migrate(&self) -> Result<usize> {
        if let SchemaState::Ahead { unknown_version } = self.schema_state().await? {
            return Err(StoreError::Schema(format!(
                "the database has migration {unknown_version}, which this heard does not know: it was \
                 migrated by a newer heard; run that version instead"
            )));
        }
        let before = self.applied_versions().await?.len();
        match &self.db {
            Db::Sqlite { write, .. } => self.migrator().run(write).await?,
            Db::Postgres(pool) => self.migrator().run(pool).await?,
        }
        Ok(self.applied_versions().await?.len() - before)
    }

    /// Compares the database's applied migrations with the ones this build carries.
    pub async fn schema_state(&self) -> Result<SchemaState> {
        let applied = self.applied_versions().await?;
        let known: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        if let Some(&v) = applied.iter().find(|v| !known.contains(v)) {
            return Ok(SchemaState::Ahead { unknown_version: v });
        }
        if applied.len() < known.len() {
            return Ok(SchemaState::Behind {
                applied: applied.len(),
                known: known.len(),
            });
        }
        Ok(SchemaState::Current)
    }

    /// Fails with a message naming the fix unless the schema is [`SchemaState::Current`].
    pub async fn ensure_current(&self) -> Result<()> {
        match self.schema_state().await? {
            SchemaState::Current => Ok(()),
            SchemaState::Behind { applied: 0, .. } => Err(StoreError::Schema(
                "the database is not migrated: run `heard migrate` first".into(),
            )),
            SchemaState::Behind { applied, known } => Err(StoreError::Schema(format!(
                "the database has {applied} of {known} migrations: run `heard migrate` first"
            ))),
            SchemaState::Ahead { unknown_version } => Err(StoreError::Schema(format!(
                "the database has migration {unknown_version}, which this heard does not know: it \
                 was migrated by a newer heard"
            ))),
        }
    }

    async fn applied_versions(&self) -> Result<Vec<i64>> {
        let versions = match &self.db {
            Db::Sqlite { write, .. } => {
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_optional(write)
                .await?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                    .fetch_all(write)
                    .await?
            }
            Db::Postgres(pool) => {
                let exists: Option<String> = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
                    .fetch_one(pool)
                    .await?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(versions)
    }

    /// Closes every connection, letting SQLite checkpoint its WAL.
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { write, read, .. } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Runs `$body` with `$conn` bound to a pool for reads and `$d` to the [`Dialect`].
/// The body is written once and compiled for each engine.
macro_rules! read {
    ($store:expr, |$conn:ident, $d:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { read, .. } => {
                let $conn = read;
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Sqlite;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $conn = pool;
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Postgres;
                $body
            }
        }
    };
}

/// Runs `$body` inside one transaction (`$tx`), committed when the body finishes
/// without an error; any `?` that leaves early drops the transaction, rolling it back.
/// SQLite transactions start `IMMEDIATE`, taking the write lock up front so a
/// concurrent writer in another process waits rather than failing half-way.
macro_rules! write_tx {
    ($store:expr, |$tx:ident, $d:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite { write, .. } => {
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Sqlite;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::db::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                #[allow(unused_variables)]
                let $d = $crate::Dialect::Postgres;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Appends one entry to a case's history inside the current transaction.
macro_rules! insert_event {
    ($tx:ident, $case:expr, $at:expr, $actor:expr, $kind:expr, $detail:expr) => {
        sqlx::query("INSERT INTO case_events (case_id, at, actor_id, kind, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind($case)
            .bind($at)
            .bind($actor)
            .bind($kind)
            .bind($detail.to_string())
            .execute(&mut *$tx)
            .await?
    };
}

pub(crate) use {insert_event, read, write_tx};
