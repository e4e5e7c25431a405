//! The audit trail from the web: every read of a customer's or case's personal data and
//! every change goes through one call,
//!
//! ```ignore
//! state.audit(&caller, Action::CASE_READ, Subject::case(&case), json!({})).await?;
//! ```
//!
//! made after the store call succeeded and before the answer is sent, so nothing is shown
//! or changed unrecorded. Who comes from the [`Caller`]; from where is the client's
//! address, read once per request by the [`client_address`] middleware (the TCP peer
//! from axum's `ConnectInfo`, which [`crate::serve`] provides; or, only when
//! `WebSettings::trusted_proxy` is on, the last hop of `X-Forwarded-For`, the one our
//! own proxy added — earlier hops are the client's word and are ignored).
//!
//! Every entry goes through a small in-process batcher: a tokio channel and a task that
//! appends whatever has queued in one call (one commit, one turn of PostgreSQL's append
//! lock, for many requests). Changes (and sign-ins) are written in the request: `audit`
//! waits until the batch holding the entry is committed and returns an error if it could
//! not be, so a change's entry is never silently lost. Reads do not wait, which keeps
//! page latency down; the batcher retries a failed write and, failing that, logs the
//! entries in full at `error`. [`AppState::flush_audit`] waits for what is queued; the
//! audit search and shutdown call it.

use crate::problem::ApiError;
use crate::{AppState, Caller};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use heard_core::CaseReference;
use heard_store::audit::NewAuditEntry;
use heard_store::{CaseRecord, ContactRecord, IntakeOutcome, Store, StoreError};
use serde_json::Value;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// What was done: a name (`case.read`) and whether it changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Action {
    pub name: &'static str,
    /// Changes wait until their entry is durable; reads do not.
    pub change: bool,
}

#[allow(dead_code)] // some are for the pages
impl Action {
    /// A read of personal data, named `thing.verb`.
    pub const fn read(name: &'static str) -> Action {
        Action { name, change: false }
    }
    /// A change, named `thing.verb`.
    pub const fn change(name: &'static str) -> Action {
        Action { name, change: true }
    }

    pub const CASE_LIST: Action = Action::read("case.list");
    pub const CASE_READ: Action = Action::read("case.read");
    pub const CASE_CREATE: Action = Action::change("case.create");
    pub const CASE_STATUS: Action = Action::change("case.status");
    pub const CASE_ASSIGN: Action = Action::change("case.assign");
    pub const CASE_LINK: Action = Action::change("case.link");
    pub const CASE_REPLY: Action = Action::change("case.reply");
    pub const CASE_NOTE: Action = Action::change("case.note");
    pub const CASE_VALUE: Action = Action::change("case.value");
    pub const CASE_SPLIT: Action = Action::change("case.split");
    pub const CASE_FOLLOW_UP: Action = Action::change("case.follow_up");
    pub const CASE_TRANSFER: Action = Action::change("case.transfer");
    pub const CASE_MERGE: Action = Action::change("case.merge");
    pub const CASE_SATISFACTION: Action = Action::change("case.satisfaction");
    pub const ARTICLE_SAVE: Action = Action::change("article.save");
    pub const ALARM_ACKNOWLEDGE: Action = Action::change("alarm.acknowledge");
    pub const ALARM_DISMISS: Action = Action::change("alarm.dismiss");
    pub const PROBLEM_CREATE: Action = Action::change("problem.create");
    pub const PROBLEM_READ: Action = Action::read("problem.read");
    pub const PROBLEM_UPDATE: Action = Action::change("problem.update");
    pub const PROBLEM_LINK: Action = Action::change("problem.link");
    pub const PROBLEM_UNLINK: Action = Action::change("problem.unlink");
    pub const LEARNING_SAVE: Action = Action::change("learning.save");
    pub const MOT_PACK: Action = Action::read("mot.pack");
    pub const CASE_COMPLAINT: Action = Action::change("case.complaint");
    pub const CASE_CERTIFICATE: Action = Action::change("case.certificate");
    pub const COMPLAINTS_REPORT: Action = Action::read("complaints.report");
    pub const REPORTS: Action = Action::read("reports");
    pub const CUSTOMER_EXPORT: Action = Action::read("customer.export");
    pub const CUSTOMER_ERASE: Action = Action::change("customer.erase");
    pub const CUSTOMER_MERGE: Action = Action::change("customer.merge");
    pub const CUSTOMER_MERGE_UNDO: Action = Action::change("customer.merge_undo");
    pub const CONTACT_REDACT: Action = Action::change("contact.redact");
    pub const CONTACT_NO_REPLY: Action = Action::change("contact.no_reply_needed");
    pub const CONTACT_LIST: Action = Action::read("contact.list");
    pub const CONTACT_READ: Action = Action::read("contact.read");
    pub const CONTACT_CREATE: Action = Action::change("contact.create");
    pub const ATTACHMENT_READ: Action = Action::read("attachment.read");
    pub const CUSTOMER_LIST: Action = Action::read("customer.list");
    pub const CUSTOMER_READ: Action = Action::read("customer.read");
    pub const CUSTOMER_CREATE: Action = Action::change("customer.create");
    pub const SEARCH: Action = Action::read("search");
    pub const AUDIT_SEARCH: Action = Action::read("audit.search");
    pub const SIGN_IN: Action = Action::change("session.sign_in");
    pub const SIGN_IN_FAILED: Action = Action::change("session.sign_in_failed");
    pub const SIGN_OUT: Action = Action::change("session.sign_out");
    pub const TWO_FACTOR_ON: Action = Action::change("account.two_factor_on");
    pub const TWO_FACTOR_OFF: Action = Action::change("account.two_factor_off");
}

/// Whose data an action touched: the record, and the case and customer it belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Subject {
    pub kind: Option<&'static str>,
    pub target: Option<String>,
    pub case_reference: Option<String>,
    pub customer_id: Option<i64>,
}

#[allow(dead_code)] // some are for the pages
impl Subject {
    /// Nothing in particular (a sign-in, a search).
    pub fn none() -> Subject {
        Subject::default()
    }

    pub fn case(c: &CaseRecord) -> Subject {
        Subject {
            kind: Some("case"),
            target: Some(c.reference.to_string()),
            case_reference: Some(c.reference.to_string()),
            customer_id: Some(c.customer.id),
        }
    }

    /// A problem record (ITIL), by id.
    pub fn problem(id: i64) -> Subject {
        Subject {
            kind: Some("problem"),
            target: Some(id.to_string()),
            ..Default::default()
        }
    }

    /// A learning action, by id.
    pub fn learning(id: i64) -> Subject {
        Subject {
            kind: Some("learning_action"),
            target: Some(id.to_string()),
            ..Default::default()
        }
    }

    pub fn customer(id: i64) -> Subject {
        Subject {
            kind: Some("customer"),
            target: Some(id.to_string()),
            customer_id: Some(id),
            ..Default::default()
        }
    }

    pub fn contact(c: &ContactRecord) -> Subject {
        Subject {
            kind: Some("contact"),
            target: Some(c.id.to_string()),
            case_reference: Some(c.case_reference.to_string()),
            customer_id: Some(c.customer_id),
        }
    }

    /// A case known only by its reference (its customer not looked up).
    pub fn case_reference(r: &CaseReference) -> Subject {
        Subject {
            kind: Some("case"),
            target: Some(r.to_string()),
            case_reference: Some(r.to_string()),
            customer_id: None,
        }
    }

    /// The contact intake stored, with its case and customer.
    pub fn intake(o: &IntakeOutcome) -> Subject {
        Subject {
            kind: Some("contact"),
            target: Some(o.contact_id.to_string()),
            case_reference: Some(o.case_reference.to_string()),
            customer_id: Some(o.customer_id),
        }
    }

    pub fn attachment(c: &ContactRecord, attachment_id: i64) -> Subject {
        Subject {
            kind: Some("attachment"),
            target: Some(attachment_id.to_string()),
            ..Subject::contact(c)
        }
    }

    /// A list: about one case or customer when its filter names one.
    pub fn list(case_reference: Option<String>, customer_id: Option<i64>) -> Subject {
        Subject {
            case_reference,
            customer_id,
            ..Default::default()
        }
    }
}

tokio::task_local! {
    /// The client address of the request being handled (see the module docs).
    static CLIENT: Option<String>;
}

/// Middleware: notes the request's client address for the audit entries it writes.
pub(crate) async fn client_address(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = client_of(req.headers(), peer, state.settings().trusted_proxy);
    CLIENT.scope(client, next.run(req)).await
}

/// The client's address: the last `X-Forwarded-For` hop when a trusted proxy adds it,
/// else the TCP peer.
fn client_of(headers: &axum::http::HeaderMap, peer: Option<IpAddr>, trusted_proxy: bool) -> Option<String> {
    if trusted_proxy {
        let last_hop = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        if let Some(ip) = last_hop {
            return Some(ip.to_string());
        }
    }
    peer.map(|ip| ip.to_string())
}

/// The current request's client address, if the middleware saw one.
pub(crate) fn current_client() -> Option<String> {
    CLIENT.try_with(|c| c.clone()).ok().flatten()
}

/// The most reads queued before handlers wait for the writer.
const QUEUE: usize = 8_192;
/// The most entries written in one append.
const MAX_BATCH: usize = 512;

enum Msg {
    /// An entry; a change also carries where to say when it is durable (or why not).
    Entry(Box<NewAuditEntry>, Option<oneshot::Sender<Result<(), String>>>),
    Flush(oneshot::Sender<()>),
}

/// Writes audit entries through the batcher: reads are queued, changes wait until the
/// batch holding them is committed.
pub(crate) struct Auditor {
    store: Store,
    queue: mpsc::Sender<Msg>,
}

impl Auditor {
    /// Starts the batcher task (on the current tokio runtime).
    pub(crate) fn start(store: Store) -> Auditor {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(batcher(store.clone(), rx));
        Auditor { store, queue }
    }

    async fn record(&self, entry: NewAuditEntry, change: bool) -> Result<(), StoreError> {
        let (durable, wait) = if change {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        match self.queue.send(Msg::Entry(Box::new(entry), durable)).await {
            Ok(()) => {}
            // The batcher is gone (its runtime is shutting down): write it here.
            Err(mpsc::error::SendError(Msg::Entry(entry, _))) => return self.store.record_audit(&[*entry]).await,
            Err(_) => return Ok(()),
        }
        match wait {
            None => Ok(()),
            Some(wait) => match wait.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(StoreError::Engine(format!("the audit entry was not written: {e}"))),
                Err(_) => Err(StoreError::Engine(
                    "the audit writer stopped before writing the entry".into(),
                )),
            },
        }
    }

    async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.queue.send(Msg::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Takes what has queued (at most [`MAX_BATCH`] entries) and appends it in one call:
/// one commit for many requests' entries (on PostgreSQL, one turn of the append lock).
async fn batcher(store: Store, mut rx: mpsc::Receiver<Msg>) {
    let mut entries = Vec::with_capacity(MAX_BATCH);
    let mut changes = Vec::new();
    let mut flushes = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Entry(e, durable) => {
                    entries.push(*e);
                    changes.extend(durable);
                }
                Msg::Flush(done) => flushes.push(done),
            }
            if entries.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        let written = write_with_retries(&store, &mut entries).await;
        for done in changes.drain(..) {
            let _ = done.send(written.clone());
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Writes `entries` (then empties it), trying for about ten seconds before giving up
/// and putting them in the error log instead (the changes among them are then refused
/// by their requests, which are still waiting).
async fn write_with_retries(store: &Store, entries: &mut Vec<NewAuditEntry>) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut wait = Duration::from_millis(50);
    let mut last_error = String::new();
    for attempt in 1..=8 {
        match store.record_audit(entries).await {
            Ok(()) => {
                entries.clear();
                return Ok(());
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, entries = entries.len(), "audit write failed; retrying");
                last_error = e.to_string();
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(3));
            }
        }
    }
    for e in entries.drain(..) {
        tracing::error!(
            at = %e.at, actor = %e.actor, actor_id = ?e.actor_id, action = %e.action,
            target_kind = ?e.target_kind, target = ?e.target, case = ?e.case_reference,
            customer = ?e.customer_id, source = ?e.source, detail = %e.detail,
            "audit entry could not be written to the database"
        );
    }
    Err(last_error)
}

impl AppState {
    /// Records that `caller` did `action` to `subject` (see the module docs). Call it
    /// after the store call succeeded and before answering; on an error, answer with it.
    pub(crate) async fn audit(
        &self,
        caller: &Caller,
        action: Action,
        subject: Subject,
        detail: Value,
    ) -> Result<(), ApiError> {
        self.audit_as(Some(caller.user.id), &caller.user.email, action, subject, detail)
            .await
    }

    /// [`AppState::audit`] for an actor who is not (yet) a caller: a sign-in attempt.
    pub(crate) async fn audit_as(
        &self,
        actor_id: Option<i64>,
        actor: &str,
        action: Action,
        subject: Subject,
        detail: Value,
    ) -> Result<(), ApiError> {
        let entry = NewAuditEntry {
            target_kind: subject.kind.map(str::to_string),
            target: subject.target,
            case_reference: subject.case_reference,
            customer_id: subject.customer_id,
            source: current_client(),
            detail,
            ..NewAuditEntry::new(actor_id, actor, action.name)
        };
        self.0.audit.record(entry, action.change).await.map_err(|e| {
            tracing::error!(error = %e, action = action.name, "audit write failed");
            ApiError::from(e)
        })
    }

    /// Waits until every audit entry queued so far is written.
    pub async fn flush_audit(&self) {
        self.0.audit.flush().await
    }
}

/// A request's query as audit detail: the fields given, without the empty ones.
pub(crate) fn asked(query: &impl serde::Serialize) -> Value {
    match serde_json::to_value(query) {
        Ok(Value::Object(mut m)) => {
            m.retain(|_, v| !v.is_null());
            Value::Object(m)
        }
        _ => Value::Object(Default::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy_and_only_its_last_hop() {
        let peer: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", "6.6.6.6, 198.51.100.4".parse().unwrap());
        h.append("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert_eq!(client_of(&h, peer, false).as_deref(), Some("10.0.0.2"));
        assert_eq!(client_of(&h, peer, true).as_deref(), Some("203.0.113.9"));
        let mut junk = HeaderMap::new();
        junk.append("x-forwarded-for", "not-an-address".parse().unwrap());
        assert_eq!(client_of(&junk, peer, true).as_deref(), Some("10.0.0.2"));
        assert_eq!(client_of(&HeaderMap::new(), None, true), None);
    }
}
