//! Trends: early warning when the same problem keeps coming back, even at small counts.
//!
//! [`detect::Detector`] is the engine: fed contacts in time order, it closes each day with
//! the units (category × site) whose recent contacts are unlikely under their own history.
//! [`replay`] drives it over a recorded history exactly as it would have run live, which is
//! how councils backtest settings and how the benchmark in docs/BENCHMARKS.md is run.

pub mod background;
pub mod demand;
pub mod detect;
pub mod label;
pub mod recover;
pub mod replay;
pub mod stats;
pub mod text;

pub use detect::{ALARM_SCORE, Alarm, Detector, Evidence, Settings};
