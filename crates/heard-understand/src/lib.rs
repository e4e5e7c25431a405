//! Text understanding, on the council's own machine: nothing is sent anywhere.
//!
//! - [`redact`]: payment card numbers (and the security code or expiry beside them) are
//!   replaced before a contact is stored anywhere.
//! - [`extract`]: postcodes, references, phone numbers, dates… pulled out of the text so
//!   nobody types them twice.
//! - [`customers`]: recognising the customer — probabilistic record linkage with reasons.
//! - [`duplicates`]: which open cases a new report is probably about too.
//! - [`route`]: which service and case kind a contact belongs to, learned from history.

pub mod customers;
pub mod duplicates;
pub mod extract;
pub mod redact;
pub mod route;
pub mod signals;
pub mod similar;
