//! heard's channels: how messages arrive and leave. Today: email.
//!
//! - [`email`] reads one message (any charset, nested MIME, attachments, invites),
//!   recognises auto-replies, bounces and loops, and finds the case it threads to.
//! - [`mailbox`] reads `.eml` files, mbox files and Maildir folders, streaming.
//! - [`imap`] reads council mailboxes over IMAP (IDLE, or polling), moving what it stored.
//! - [`ingest`] stores a message: redacted, values read, raw kept, on the right case.
//! - [`smtp`] sends replies through a persistent outbox, retried with back-off.
//! - [`meta`] sends Facebook and Instagram replies through the Send API, by an outbox too.
//! - [`pay`] asks GOV.UK Pay for payments by link and for their status (no card details).
//! - [`prepare`] is what every channel does to a contact before intake (redaction and
//!   value extraction), shared with the web API so it is written once.

pub mod email;
pub mod imap;
pub mod ingest;
pub mod mailbox;
pub mod meta;
pub mod notify;
pub mod pay;
pub mod prepare;
pub mod smtp;
