//! heard's storage: one [`Store`] with two engines, SQLite (embedded, the default) and
//! PostgreSQL (for scale and for several `heard serve` nodes sharing one database).
//!
//! Both engines run the same SQL wherever the dialects agree (`$1` placeholders work in
//! both), and the same store test-suite runs against both. Where they differ (full-text
//! search, row locking) the code branches on [`Dialect`] in one place.
//!
//! Times are stored as Unix epoch milliseconds in both engines: one representation, one
//! behaviour, and integer comparisons in indexes.

pub mod articles;
pub mod audit;
pub mod certificates;
pub mod changes;
pub mod clocks;
pub mod complaints;
pub mod customer_matches;
pub mod customer_merges;
mod db;
pub mod duplicates;
pub mod email;
pub mod erasure;
pub mod error;
pub mod files;
pub mod intake;
pub mod jobs;
pub mod learning;
pub mod mot;
pub mod outbox;
pub mod payments;
pub mod performance;
pub mod problems;
pub mod queries;
pub mod records;
pub mod reports;
pub mod retention;
pub mod routing;
pub mod satisfaction;
pub mod seed;
pub mod sms;
pub mod social;
pub mod split;
mod sqlite_writer;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod track;
pub mod two_factor;
pub mod users;
pub mod values;
pub mod workspace;

pub use db::{Dialect, SchemaState, Store, StoreOptions};
pub use error::StoreError;
pub use intake::{IntakeConfig, IntakeOutcome, LearnedRouting};
pub use records::*;

/// `Result` with a [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Milliseconds since the Unix epoch: how every time is stored.
pub fn to_millis(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// The inverse of [`to_millis`]; out-of-range values clamp rather than fail, since they
/// can only come from a hand-edited database.
pub fn from_millis(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
