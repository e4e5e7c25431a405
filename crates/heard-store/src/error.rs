//! Storage errors: callers tell "not there" and "conflicts" apart from failures.

use heard_core::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("database schema: {0}")]
    Schema(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A failure reported by the database engine outside sqlx (the SQLite writer).
    #[error("database: {0}")]
    Engine(String),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// True when the database refused a write because a unique key already exists.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            StoreError::Conflict(m) => m.starts_with("unique:"),
            _ => false,
        }
    }
}
