//! Subcommands that wrap one library each, kept out of main.rs so it stays a thin table.

pub mod audit;
pub mod backup;
pub mod calendar;
pub mod customers;
pub mod extract;
pub mod import;
pub mod retention;
pub mod route;
pub mod trends;
