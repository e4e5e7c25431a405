//! One email message: parsing ([`parse`]), recognising what it is ([`classify`]),
//! turning it into a contact ([`contact`]) and making its HTML safe to show ([`html`]).

pub mod classify;
pub mod contact;
pub mod html;
pub mod parse;

pub use classify::{Classification, classify};
pub use parse::{EmailLimits, ParsedEmail, Part};
