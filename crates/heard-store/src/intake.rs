//! Intake: turning a validated [`NewContact`] into a stored contact on the right
//! customer and case, in one transaction.
//!
//! The rules, in order:
//! 1. A repeated `external_id` on the same channel is the same contact: nothing is
//!    written and the existing contact is returned (idempotent retries, webhook replays).
//! 2. The sender's identity finds the customer, or a new customer is created for it.
//! 3. A case reference quoted in the subject or body (`[HRD-000123]`) joins that case,
//!    when it is open and the customer's own.
//! 4. Otherwise the contact is routed to a service (the sender's hint, else the model
//!    learned from the council's history, else keywords, else the default) and joins the
//!    customer's open case in that service, or opens a new case there (linked as related
//!    to any closed case it quoted). When the model is not confident enough the contact
//!    opens its case in the triage service, where a person routes it; the model's guess
//!    is kept on the case's history so a correction can be learnt from.
//!
//! A channel that threads messages itself (email's `In-Reply-To`/`References`) passes
//! the cases of the messages it answers to [`Store::intake_in_thread`]: the first open
//! one is joined before rule 3, whichever customer wrote (a colleague replying in the
//! thread belongs in it); a closed one is linked like a quoted closed case.

use crate::db::Db;
use crate::sqlite_writer::db_err;
use crate::{Result, Store, StoreError, to_millis};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel, Direction, NewContact, Priority, Router};
use jiff::Timestamp;
use rusqlite::OptionalExtension;

/// What intake needs to know about the council.
#[derive(Debug, Clone)]
pub struct IntakeConfig {
    /// Case reference prefix, e.g. `HRD`.
    pub reference_prefix: String,
    /// Keyword routing, built from the services' keywords.
    pub router: Router,
    /// Where a contact goes when nothing routes it.
    pub default_service: String,
    /// Routing learned from history, tried before the keywords (see [`LearnedRouting`]).
    pub learned: Option<LearnedRouting>,
    /// First response and resolution targets per service and kind (`[[service_levels]]`):
    /// a new case's deadlines.
    pub service_levels: heard_core::service_level::ServiceLevels,
}

/// A model learned from the council's history, and where its unsure contacts go.
#[derive(Debug, Clone)]
pub struct LearnedRouting {
    pub model: std::sync::Arc<dyn heard_core::LearnedRouter>,
    /// The service whose queue holds contacts the model was not sure of (a person routes
    /// them). When the store has no such service they take the keyword route instead.
    pub triage_service: String,
}

/// How intake chose a new contact's service, kept on the new case's history.
#[derive(Debug, Clone, PartialEq)]
enum RoutedBy {
    /// The sender named the service (a form, an Open311 `service_code`, the API).
    Sender,
    /// The learned model, confident.
    Model {
        confidence: f32,
    },
    /// The learned model, not confident: the triage service, with its best guess.
    Triage {
        guess: String,
        confidence: f32,
    },
    Keywords,
    Default,
}

impl RoutedBy {
    fn detail(&self) -> serde_json::Value {
        match self {
            RoutedBy::Sender => serde_json::json!({"by": "sender"}),
            RoutedBy::Model { confidence } => serde_json::json!({"by": "model", "confidence": round(*confidence)}),
            RoutedBy::Triage { guess, confidence } => {
                serde_json::json!({"by": "triage", "guess": guess, "confidence": round(*confidence)})
            }
            RoutedBy::Keywords => serde_json::json!({"by": "keywords"}),
            RoutedBy::Default => serde_json::json!({"by": "default"}),
        }
    }
}

fn round(p: f32) -> f64 {
    (f64::from(p) * 1000.0).round() / 1000.0
}

/// Where a contact goes: the sender's choice, the model, the keywords, the default.
fn choose_service(contact: &NewContact, text: &str, config: &IntakeConfig) -> (String, Option<CaseKind>, RoutedBy) {
    if let Some(s) = &contact.service {
        return (s.clone(), None, RoutedBy::Sender);
    }
    if let Some(learned) = &config.learned {
        match learned.model.route(contact.subject.as_deref(), &contact.body) {
            Some(heard_core::Learned::Service {
                service,
                kind,
                confidence,
            }) if config.router.knows(&service) => return (service, kind, RoutedBy::Model { confidence }),
            Some(heard_core::Learned::Triage { best, confidence }) if config.router.knows(&learned.triage_service) => {
                let by = RoutedBy::Triage {
                    guess: best,
                    confidence,
                };
                return (learned.triage_service.clone(), None, by);
            }
            // No model yet, or it names a service this council no longer has.
            _ => {}
        }
    }
    match config.router.route(text) {
        Some(s) => (s.to_string(), None, RoutedBy::Keywords),
        None => (config.default_service.clone(), None, RoutedBy::Default),
    }
}

/// An attachment whose bytes are already in the attachment store.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// A value read from the contact's text, stored with it as a suggestion.
#[derive(Debug, Clone)]
pub struct NewEntity {
    /// `subject` or `body`.
    pub field: String,
    pub kind: String,
    pub value: String,
    /// Byte offsets into the (redacted) field.
    pub start: i64,
    pub end: i64,
    pub confidence: f64,
    pub sensitive: bool,
}

/// What intake did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOutcome {
    pub contact_id: i64,
    pub customer_id: i64,
    pub case_id: i64,
    pub case_reference: CaseReference,
    pub case_status: CaseStatus,
    pub service: String,
    /// False when the contact was already stored (repeated `external_id`).
    pub created: bool,
    /// True when this contact opened a new case.
    pub case_created: bool,
    /// True when this contact created a new customer.
    pub customer_created: bool,
}

/// Internal signal that a concurrent transaction won a race; the whole intake retries.
const RACE: &str = "concurrent intake of the same identity or external id";

/// The decisions made before touching the database (pure, and so outside the writer).
#[derive(Debug, Clone)]
struct Plan {
    prefix: String,
    routed: String,
    /// The case kind the model read, for a new case whose contact named none.
    kind: Option<CaseKind>,
    routed_by: RoutedBy,
    /// Cases of the messages this one answers (channel threading), tried first.
    thread: Vec<i64>,
    quoted: Vec<i64>,
    /// A report always opens its own case, and is stored with it.
    report: Option<crate::reports::NewReport>,
    levels: heard_core::service_level::ServiceLevels,
}

impl Store {
    /// Stores one contact (see the module docs for the rules). Atomic: on any error
    /// nothing of it is kept. On SQLite it rides the group-committing writer; the answer
    /// comes once the commit is durable.
    pub async fn intake(
        &self,
        contact: &NewContact,
        files: &[StoredFile],
        entities: &[NewEntity],
        config: &IntakeConfig,
    ) -> Result<IntakeOutcome> {
        self.intake_in_thread(contact, files, entities, config, &[]).await
    }

    /// The intake rules as the services table has them now: routing keywords, the
    /// reference prefix and the default service (and heard's default service levels).
    pub async fn intake_config(&self, reference_prefix: &str, default_service: &str) -> Result<IntakeConfig> {
        let rules = self
            .services()
            .await?
            .into_iter()
            .map(|s| heard_core::ServiceRule {
                service: s.slug,
                keywords: s.keywords,
            })
            .collect();
        Ok(IntakeConfig {
            reference_prefix: reference_prefix.to_string(),
            router: Router::new(rules),
            default_service: default_service.to_string(),
            learned: None,
            service_levels: Default::default(),
        })
    }

    /// [`Store::intake`] for a message that answers earlier ones: `thread` holds their
    /// cases, most relevant first (see the module docs).
    pub async fn intake_in_thread(
        &self,
        contact: &NewContact,
        files: &[StoredFile],
        entities: &[NewEntity],
        config: &IntakeConfig,
        thread: &[i64],
    ) -> Result<IntakeOutcome> {
        self.intake_planned(contact, files, entities, config, thread, None)
            .await
    }

    /// [`Store::intake`] for a report of a problem (Open311, the public form): it always
    /// opens a case of its own, and `report` is stored with it in the same transaction.
    /// A repeated `external_id` returns the first report's contact, as for any contact.
    pub async fn intake_report(
        &self,
        contact: &NewContact,
        files: &[StoredFile],
        entities: &[NewEntity],
        config: &IntakeConfig,
        report: &crate::reports::NewReport,
    ) -> Result<IntakeOutcome> {
        self.intake_planned(contact, files, entities, config, &[], Some(report))
            .await
    }

    async fn intake_planned(
        &self,
        contact: &NewContact,
        files: &[StoredFile],
        entities: &[NewEntity],
        config: &IntakeConfig,
        thread: &[i64],
        report: Option<&crate::reports::NewReport>,
    ) -> Result<IntakeOutcome> {
        let text = contact.text();
        let (routed, kind, routed_by) = choose_service(contact, &text, config);
        let plan = Plan {
            prefix: config.reference_prefix.clone(),
            routed,
            kind,
            routed_by,
            thread: thread.to_vec(),
            report: report.cloned(),
            levels: config.service_levels.clone(),
            quoted: contact
                .quoted_references(&config.reference_prefix)
                .iter()
                .map(CaseReference::number)
                .collect(),
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match &self.db {
                Db::Sqlite { writer, .. } => {
                    let (c, f, e, p) = (contact.clone(), files.to_vec(), entities.to_vec(), plan.clone());
                    writer
                        .run(move |conn| futures_executor::block_on(intake_steps(&mut Lite(conn), &c, &f, &e, &p)))
                        .await
                }
                Db::Postgres(pool) => {
                    let mut tx = pool.begin().await?;
                    match intake_steps(&mut Pg(&mut tx), contact, files, entities, &plan).await {
                        Ok(o) => {
                            tx.commit().await?;
                            Ok(o)
                        }
                        Err(e) => Err(e),
                    }
                }
            };
            match result {
                Err(e)
                    if attempt < 5
                        && (e.is_unique_violation() || matches!(&e, StoreError::Conflict(m) if m == RACE)) =>
                {
                    tracing::debug!(attempt, "intake raced another writer; retrying");
                }
                other => {
                    if matches!(&other, Ok(o) if o.created) {
                        self.stats.intake(contact.channel);
                    }
                    return other;
                }
            }
        }
    }
}

/// The writes intake makes, one method per statement, so the rules above are written
/// once and run on either engine.
#[allow(async_fn_in_trait)] // used generically inside this crate only
trait Steps {
    async fn existing_contact(
        &mut self,
        channel: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, i64, String, String)>>;
    async fn customer_by_identity(&mut self, kind: &str, value: &str) -> Result<Option<i64>>;
    async fn insert_customer(&mut self, name: &str, search_text: &str, now: i64) -> Result<i64>;
    /// False when the identity already belongs to someone (a race lost).
    async fn insert_identity(&mut self, customer: i64, kind: &str, value: &str, now: i64) -> Result<bool>;
    /// Serialises intake per customer where writers run concurrently (PostgreSQL).
    async fn lock_customer(&mut self, id: i64) -> Result<()>;
    /// (status, service slug, customer) of a case.
    async fn case_brief(&mut self, id: i64) -> Result<Option<(String, String, i64)>>;
    /// (id, team) of a service.
    async fn service(&mut self, slug: &str) -> Result<Option<(i64, Option<i64>)>>;
    /// The customer's most recently active open case in a service: (id, status).
    async fn open_case(&mut self, customer: i64, service: i64, kind: Option<&str>) -> Result<Option<(i64, String)>>;
    async fn set_status(&mut self, case: i64, status: &str) -> Result<()>;
    async fn touch_case(&mut self, case: i64, at: i64) -> Result<()>;
    async fn insert_case(&mut self, row: &CaseRow<'_>) -> Result<i64>;
    async fn insert_event(&mut self, case: i64, at: i64, kind: &str, detail: &str) -> Result<()>;
    async fn insert_link(&mut self, from: i64, to: i64, at: i64) -> Result<()>;
    /// (due_at, clock_paused_at) of a case.
    async fn clock(&mut self, case: i64) -> Result<(Option<i64>, Option<i64>)>;
    /// Sets the deadline, clears the pause, restarts the next-update clock from `now`
    /// and recomputes the next action. Returns the next update's new due time, if moved.
    async fn resume_clock(&mut self, case: i64, due: Option<i64>, now: i64) -> Result<Option<i64>>;
    /// An outbound contact at `at`: the first response, and the next update's clock.
    async fn outbound(&mut self, case: i64, at: i64) -> Result<()>;
    async fn insert_contact(&mut self, row: &ContactRow<'_>) -> Result<i64>;
    async fn insert_attachment(&mut self, contact: i64, f: &StoredFile) -> Result<()>;
    async fn insert_entity(&mut self, contact: i64, e: &NewEntity) -> Result<()>;
    async fn insert_report(
        &mut self,
        case: i64,
        contact: i64,
        source: &str,
        now: i64,
        r: &crate::reports::NewReport,
    ) -> Result<()>;
}

struct CaseRow<'a> {
    service: i64,
    kind: &'a str,
    status: &'a str,
    priority: &'a str,
    team: Option<i64>,
    customer: i64,
    title: &'a str,
    created_at: i64,
    updated_at: i64,
    due_at: Option<i64>,
    next_action_at: Option<i64>,
    first_response_due_at: Option<i64>,
    update_days: Option<i64>,
}

struct ContactRow<'a> {
    case: i64,
    customer: i64,
    channel: &'a str,
    direction: &'a str,
    sender: &'a str,
    subject: Option<&'a str>,
    body: &'a str,
    body_html: Option<&'a str>,
    received_at: i64,
    created_at: i64,
    external_id: Option<&'a str>,
}

async fn intake_steps(
    db: &mut impl Steps,
    c: &NewContact,
    files: &[StoredFile],
    entities: &[NewEntity],
    plan: &Plan,
) -> Result<IntakeOutcome> {
    let now = to_millis(Timestamp::now());
    let received = to_millis(c.received_at);
    let identity = &c.sender.identity;

    // 1. Seen before: the same contact.
    if let Some(ext) = &c.external_id
        && let Some((contact_id, customer_id, case_id, status, service)) =
            db.existing_contact(c.channel.as_str(), ext).await?
    {
        return Ok(IntakeOutcome {
            contact_id,
            customer_id,
            case_id,
            case_reference: reference(&plan.prefix, case_id)?,
            case_status: parse_col(&status)?,
            service,
            created: false,
            case_created: false,
            customer_created: false,
        });
    }

    // 2. Customer by identity.
    let (customer_id, customer_created) = match db.customer_by_identity(identity.kind.as_str(), &identity.value).await?
    {
        Some(id) => (id, false),
        None => {
            let name = c.sender.display_name.clone().unwrap_or_else(|| identity.value.clone());
            let id = db
                .insert_customer(&name, &format!("{name} {}", identity.value), now)
                .await?;
            if !db
                .insert_identity(id, identity.kind.as_str(), &identity.value, now)
                .await?
            {
                return Err(StoreError::Conflict(RACE.into()));
            }
            (id, true)
        }
    };
    db.lock_customer(customer_id).await?;

    // 3. A quoted reference to one of the customer's open cases.
    let mut chosen: Option<(i64, String, String)> = None; // (case, status, service)
    let mut closed_quoted: Option<i64> = None;
    for &number in &plan.thread {
        if let Some((status, service, _owner)) = db.case_brief(number).await? {
            if parse_col::<CaseStatus>(&status)?.is_open() {
                chosen = Some((number, status, service));
                break;
            }
            closed_quoted.get_or_insert(number);
        }
    }
    for &number in plan.quoted.iter().filter(|_| chosen.is_none()) {
        if let Some((status, service, owner)) = db.case_brief(number).await? {
            if owner != customer_id {
                continue;
            }
            if parse_col::<CaseStatus>(&status)?.is_open() {
                chosen = Some((number, status, service));
                break;
            }
            closed_quoted.get_or_insert(number);
        }
    }

    // 4. The routed service: the customer's open case there, or a new one.
    let Some((service_id, team_id)) = db.service(&plan.routed).await? else {
        return Err(heard_core::Invalid::field("service", format!("no service `{}`", plan.routed)).into());
    };
    if plan.report.is_some() {
        chosen = None; // a report is its own case, whatever else is open
    }
    if chosen.is_none()
        && plan.report.is_none()
        && closed_quoted.is_none()
        && let Some((id, status)) = db
            .open_case(customer_id, service_id, c.kind.map(|k| k.as_str()))
            .await?
    {
        chosen = Some((id, status, plan.routed.clone()));
    }
    let (case_id, status, service, case_created) = match chosen {
        Some((id, status, slug)) => {
            let mut status: CaseStatus = parse_col(&status)?;
            if status == CaseStatus::AwaitingCustomer && c.direction == Direction::Inbound {
                // The customer answered: the case is the council's to work again.
                let resumed = CaseStatus::Open;
                db.set_status(id, resumed.as_str()).await?;
                let detail = serde_json::json!({"from": status, "to": resumed, "reason": "customer replied"});
                db.insert_event(id, now, "status", &detail.to_string()).await?;
                // The clocks paused while awaiting the customer run again, the deadline
                // moved by the working days they waited.
                if let (due, Some(paused)) = db.clock(id).await? {
                    let (days, moved) = crate::clocks::resume(due, paused, now);
                    let update = db.resume_clock(id, moved, now).await?;
                    let mut detail = crate::clocks::resumed_detail(days, due, moved);
                    if update.is_some() {
                        detail["next_update_due"] = serde_json::json!(crate::clocks::stamp(update));
                    }
                    db.insert_event(id, now, "clock_resumed", &detail.to_string()).await?;
                }
                status = resumed;
            }
            db.touch_case(id, received.max(now)).await?;
            (id, status, slug, false)
        }
        None => {
            let kind = c.kind.or(plan.kind).unwrap_or(if c.channel == Channel::ServiceDesk {
                CaseKind::Incident
            } else {
                CaseKind::Enquiry
            });
            let status = CaseStatus::New;
            let title = case_title(c);
            let targets = plan.levels.targets(&plan.routed, kind);
            let (first_response, due_at) = crate::clocks::new_case_deadlines(received, targets);
            let id = db
                .insert_case(&CaseRow {
                    service: service_id,
                    kind: kind.as_str(),
                    status: status.as_str(),
                    priority: c.priority.unwrap_or(Priority::Normal).as_str(),
                    team: team_id,
                    customer: customer_id,
                    title: &title,
                    created_at: received,
                    updated_at: received.max(now),
                    due_at,
                    next_action_at: first_response.into_iter().chain(due_at).min(),
                    first_response_due_at: first_response,
                    update_days: targets.next_update_days.map(i64::from),
                })
                .await?;
            let detail = serde_json::json!({
                "channel": c.channel, "service": plan.routed, "kind": kind, "routed": plan.routed_by.detail(),
                "due": crate::clocks::stamp(due_at), "first_response_due": crate::clocks::stamp(first_response),
            });
            db.insert_event(id, now, "created", &detail.to_string()).await?;
            if let Some(old) = closed_quoted {
                db.insert_link(id, old, now).await?;
            }
            (id, status, plan.routed.clone(), true)
        }
    };

    let sender = identity.to_string();
    let contact_id = db
        .insert_contact(&ContactRow {
            case: case_id,
            customer: customer_id,
            channel: c.channel.as_str(),
            direction: c.direction.as_str(),
            sender: &sender,
            subject: c.subject.as_deref(),
            body: &c.body,
            body_html: c.body_html.as_deref(),
            received_at: received,
            created_at: now,
            external_id: c.external_id.as_deref(),
        })
        .await?;
    if c.direction == Direction::Outbound {
        db.outbound(case_id, received).await?;
    }
    for f in files {
        db.insert_attachment(contact_id, f).await?;
    }
    for e in entities {
        db.insert_entity(contact_id, e).await?;
    }
    if let Some(r) = &plan.report {
        db.insert_report(case_id, contact_id, c.channel.as_str(), now, r)
            .await?;
    }
    Ok(IntakeOutcome {
        contact_id,
        customer_id,
        case_id,
        case_reference: reference(&plan.prefix, case_id)?,
        case_status: status,
        service,
        created: true,
        case_created,
        customer_created,
    })
}

// The statements, shared by both engines (`$n` placeholders work in both, numbered
// in order of first use).
const EXISTING_CONTACT: &str = "SELECT c.id, c.customer_id, c.case_id, k.status, s.slug FROM contacts c \
     JOIN cases k ON k.id = c.case_id JOIN services s ON s.id = k.service_id WHERE c.channel = $1 AND c.external_id = $2";
const CUSTOMER_BY_IDENTITY: &str = "SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2";
const INSERT_CUSTOMER: &str = "INSERT INTO customers (kind, name, search_text, created_at, updated_at) VALUES ('person', $1, $2, $3, $3) RETURNING id";
const INSERT_IDENTITY: &str = "INSERT INTO customer_identities (customer_id, kind, value, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (kind, value) DO NOTHING RETURNING id";
const CASE_BRIEF: &str =
    "SELECT k.status, s.slug, k.customer_id FROM cases k JOIN services s ON s.id = k.service_id WHERE k.id = $1";
const SERVICE: &str = "SELECT id, team_id FROM services WHERE slug = $1";
const OPEN_CASE: &str = "SELECT id, status FROM cases WHERE customer_id = $1 AND service_id = $2 \
     AND status NOT IN ('resolved', 'closed') AND ($3 IS NULL OR kind = $3) ORDER BY updated_at DESC, id DESC LIMIT 1";
const SET_STATUS: &str = "UPDATE cases SET status = $1 WHERE id = $2";
const TOUCH_CASE: &str = "UPDATE cases SET updated_at = $1 WHERE id = $2 AND updated_at < $1";
/// A new contact on a case with no next action gives it one: the contact must be answered.
const NEEDS_ANSWER: &str = "UPDATE cases SET next_action_at = $1 WHERE id = $2 AND next_action_at IS NULL";
const INSERT_CASE: &str = "INSERT INTO cases (service_id, kind, status, priority, team_id, customer_id, title, created_at, updated_at, \
     due_at, next_action_at, first_response_due_at, update_days) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
const CLOCK: &str = "SELECT due_at, clock_paused_at FROM cases WHERE id = $1";
const RESUME_CLOCK: &str = "UPDATE cases SET due_at = $1, clock_paused_at = NULL WHERE id = $2";
const INSERT_EVENT: &str = "INSERT INTO case_events (case_id, at, kind, detail) VALUES ($1, $2, $3, $4)";
const INSERT_LINK: &str =
    "INSERT INTO case_links (from_case_id, to_case_id, kind, created_at) VALUES ($1, $2, 'related', $3)";
const INSERT_CONTACT: &str = "INSERT INTO contacts (case_id, customer_id, channel, direction, sender, subject, body, body_html, \
     received_at, created_at, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
const INSERT_ENTITY: &str = "INSERT INTO contact_entities (contact_id, field, kind, value, start_byte, end_byte, confidence, sensitive) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const INSERT_REPORT: &str = "INSERT INTO reports (case_id, contact_id, source, token, lat, long, address, address_id, postcode, \
     attributes, media_url, account_id, device_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
const INSERT_ATTACHMENT: &str =
    "INSERT INTO attachments (contact_id, filename, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5)";

/// SQLite, inside the writer thread: statements run directly, prepared once and cached.
struct Lite<'c>(&'c rusqlite::Connection);

impl Lite<'_> {
    fn one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        self.0
            .prepare_cached(sql)
            .map_err(db_err)?
            .query_row(params, map)
            .optional()
            .map_err(db_err)
    }

    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<()> {
        self.0
            .prepare_cached(sql)
            .map_err(db_err)?
            .execute(params)
            .map_err(db_err)?;
        Ok(())
    }

    fn id(&self, sql: &str, params: impl rusqlite::Params) -> Result<i64> {
        self.one(sql, params, |r| r.get(0))?
            .ok_or_else(|| StoreError::Engine("an insert returned no id".into()))
    }
}

impl Steps for Lite<'_> {
    async fn existing_contact(
        &mut self,
        channel: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, i64, String, String)>> {
        self.one(EXISTING_CONTACT, (channel, external_id), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
    }
    async fn customer_by_identity(&mut self, kind: &str, value: &str) -> Result<Option<i64>> {
        self.one(CUSTOMER_BY_IDENTITY, (kind, value), |r| r.get(0))
    }
    async fn insert_customer(&mut self, name: &str, search_text: &str, now: i64) -> Result<i64> {
        self.id(INSERT_CUSTOMER, (name, search_text, now))
    }
    async fn insert_identity(&mut self, customer: i64, kind: &str, value: &str, now: i64) -> Result<bool> {
        Ok(self
            .one(INSERT_IDENTITY, (customer, kind, value, now), |r| r.get::<_, i64>(0))?
            .is_some())
    }
    async fn lock_customer(&mut self, _id: i64) -> Result<()> {
        Ok(()) // one writer: nothing runs beside us
    }
    async fn case_brief(&mut self, id: i64) -> Result<Option<(String, String, i64)>> {
        self.one(CASE_BRIEF, [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    }
    async fn service(&mut self, slug: &str) -> Result<Option<(i64, Option<i64>)>> {
        self.one(SERVICE, [slug], |r| Ok((r.get(0)?, r.get(1)?)))
    }
    async fn open_case(&mut self, customer: i64, service: i64, kind: Option<&str>) -> Result<Option<(i64, String)>> {
        self.one(OPEN_CASE, rusqlite::params![customer, service, kind], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }
    async fn set_status(&mut self, case: i64, status: &str) -> Result<()> {
        self.exec(SET_STATUS, rusqlite::params![status, case])
    }
    async fn touch_case(&mut self, case: i64, at: i64) -> Result<()> {
        self.exec(TOUCH_CASE, [at, case])?;
        self.exec(
            NEEDS_ANSWER,
            rusqlite::params![crate::workspace::first_reply_due(at), case],
        )
    }
    async fn insert_case(&mut self, c: &CaseRow<'_>) -> Result<i64> {
        self.id(
            INSERT_CASE,
            rusqlite::params![
                c.service,
                c.kind,
                c.status,
                c.priority,
                c.team,
                c.customer,
                c.title,
                c.created_at,
                c.updated_at,
                c.due_at,
                c.next_action_at,
                c.first_response_due_at,
                c.update_days
            ],
        )
    }
    async fn insert_event(&mut self, case: i64, at: i64, kind: &str, detail: &str) -> Result<()> {
        self.exec(INSERT_EVENT, rusqlite::params![case, at, kind, detail])
    }
    async fn insert_link(&mut self, from: i64, to: i64, at: i64) -> Result<()> {
        self.exec(INSERT_LINK, [from, to, at])
    }
    async fn clock(&mut self, case: i64) -> Result<(Option<i64>, Option<i64>)> {
        Ok(self
            .one(CLOCK, [case], |r| Ok((r.get(0)?, r.get(1)?)))?
            .unwrap_or((None, None)))
    }
    async fn resume_clock(&mut self, case: i64, due: Option<i64>, now: i64) -> Result<Option<i64>> {
        self.exec(RESUME_CLOCK, rusqlite::params![due, case])?;
        let days: Option<i64> = self.one(crate::clocks::UPDATE_DAYS, [case], |r| r.get(0))?.flatten();
        let mut restarted = None;
        if let Some(update) = crate::clocks::update_due(now, days) {
            self.exec(crate::clocks::RESTART_UPDATE, [update, case])?;
            restarted = Some(update).filter(|_| self.0.changes() > 0);
        }
        self.exec(crate::clocks::REFRESH_NEXT_ACTION, [case])?;
        Ok(restarted)
    }
    async fn outbound(&mut self, case: i64, at: i64) -> Result<()> {
        let days: Option<i64> = self.one(crate::clocks::UPDATE_DAYS, [case], |r| r.get(0))?.flatten();
        let update = crate::clocks::update_due(at, days);
        self.exec(crate::clocks::OUTBOUND, rusqlite::params![at, update, case])?;
        self.exec(crate::clocks::REFRESH_NEXT_ACTION, [case])
    }
    async fn insert_contact(&mut self, x: &ContactRow<'_>) -> Result<i64> {
        let id = self.id(
            INSERT_CONTACT,
            rusqlite::params![
                x.case,
                x.customer,
                x.channel,
                x.direction,
                x.sender,
                x.subject,
                x.body,
                x.body_html,
                x.received_at,
                x.created_at,
                x.external_id
            ],
        )?;
        // The writer indexes the batch's new contacts just before it commits.
        Ok(id)
    }
    async fn insert_attachment(&mut self, contact: i64, f: &StoredFile) -> Result<()> {
        self.exec(
            INSERT_ATTACHMENT,
            rusqlite::params![contact, f.filename, f.content_type, f.size, f.sha256],
        )
    }
    async fn insert_entity(&mut self, contact: i64, e: &NewEntity) -> Result<()> {
        self.exec(
            INSERT_ENTITY,
            rusqlite::params![
                contact,
                e.field,
                e.kind,
                e.value,
                e.start,
                e.end,
                e.confidence,
                e.sensitive
            ],
        )
    }
    async fn insert_report(
        &mut self,
        case: i64,
        contact: i64,
        source: &str,
        now: i64,
        r: &crate::reports::NewReport,
    ) -> Result<()> {
        self.exec(
            INSERT_REPORT,
            rusqlite::params![
                case,
                contact,
                source,
                r.token,
                r.lat,
                r.long,
                r.address,
                r.address_id,
                r.postcode,
                report_attributes(r)?,
                r.media_url,
                r.account_id,
                r.device_id,
                now
            ],
        )
    }
}

/// PostgreSQL, inside one sqlx transaction.
struct Pg<'c>(&'c mut sqlx::PgConnection);

impl Steps for Pg<'_> {
    async fn existing_contact(
        &mut self,
        channel: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, i64, String, String)>> {
        Ok(sqlx::query_as(EXISTING_CONTACT)
            .bind(channel)
            .bind(external_id)
            .fetch_optional(&mut *self.0)
            .await?)
    }
    async fn customer_by_identity(&mut self, kind: &str, value: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(CUSTOMER_BY_IDENTITY)
            .bind(kind)
            .bind(value)
            .fetch_optional(&mut *self.0)
            .await?)
    }
    async fn insert_customer(&mut self, name: &str, search_text: &str, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(INSERT_CUSTOMER)
            .bind(name)
            .bind(search_text)
            .bind(now)
            .fetch_one(&mut *self.0)
            .await?)
    }
    async fn insert_identity(&mut self, customer: i64, kind: &str, value: &str, now: i64) -> Result<bool> {
        let id: Option<i64> = sqlx::query_scalar(INSERT_IDENTITY)
            .bind(customer)
            .bind(kind)
            .bind(value)
            .bind(now)
            .fetch_optional(&mut *self.0)
            .await?;
        Ok(id.is_some())
    }
    async fn lock_customer(&mut self, id: i64) -> Result<()> {
        // Two contacts arriving together from one customer (on any node) cannot open two cases.
        sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn case_brief(&mut self, id: i64) -> Result<Option<(String, String, i64)>> {
        Ok(sqlx::query_as(CASE_BRIEF).bind(id).fetch_optional(&mut *self.0).await?)
    }
    async fn service(&mut self, slug: &str) -> Result<Option<(i64, Option<i64>)>> {
        Ok(sqlx::query_as(SERVICE).bind(slug).fetch_optional(&mut *self.0).await?)
    }
    async fn open_case(&mut self, customer: i64, service: i64, kind: Option<&str>) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as(OPEN_CASE)
            .bind(customer)
            .bind(service)
            .bind(kind)
            .fetch_optional(&mut *self.0)
            .await?)
    }
    async fn set_status(&mut self, case: i64, status: &str) -> Result<()> {
        sqlx::query(SET_STATUS)
            .bind(status)
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn touch_case(&mut self, case: i64, at: i64) -> Result<()> {
        sqlx::query(TOUCH_CASE)
            .bind(at)
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        sqlx::query(NEEDS_ANSWER)
            .bind(crate::workspace::first_reply_due(at))
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn insert_case(&mut self, c: &CaseRow<'_>) -> Result<i64> {
        Ok(sqlx::query_scalar(INSERT_CASE)
            .bind(c.service)
            .bind(c.kind)
            .bind(c.status)
            .bind(c.priority)
            .bind(c.team)
            .bind(c.customer)
            .bind(c.title)
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(c.due_at)
            .bind(c.next_action_at)
            .bind(c.first_response_due_at)
            .bind(c.update_days)
            .fetch_one(&mut *self.0)
            .await?)
    }
    async fn insert_event(&mut self, case: i64, at: i64, kind: &str, detail: &str) -> Result<()> {
        sqlx::query(INSERT_EVENT)
            .bind(case)
            .bind(at)
            .bind(kind)
            .bind(detail)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn insert_link(&mut self, from: i64, to: i64, at: i64) -> Result<()> {
        sqlx::query(INSERT_LINK)
            .bind(from)
            .bind(to)
            .bind(at)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn clock(&mut self, case: i64) -> Result<(Option<i64>, Option<i64>)> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as(CLOCK).bind(case).fetch_optional(&mut *self.0).await?;
        Ok(row.unwrap_or((None, None)))
    }
    async fn resume_clock(&mut self, case: i64, due: Option<i64>, now: i64) -> Result<Option<i64>> {
        sqlx::query(RESUME_CLOCK)
            .bind(due)
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        let days: Option<i64> = sqlx::query_scalar(crate::clocks::UPDATE_DAYS)
            .bind(case)
            .fetch_optional(&mut *self.0)
            .await?
            .flatten();
        let mut restarted = None;
        if let Some(update) = crate::clocks::update_due(now, days) {
            let n = sqlx::query(crate::clocks::RESTART_UPDATE)
                .bind(update)
                .bind(case)
                .execute(&mut *self.0)
                .await?
                .rows_affected();
            restarted = Some(update).filter(|_| n > 0);
        }
        sqlx::query(crate::clocks::REFRESH_NEXT_ACTION)
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        Ok(restarted)
    }
    async fn outbound(&mut self, case: i64, at: i64) -> Result<()> {
        let days: Option<i64> = sqlx::query_scalar(crate::clocks::UPDATE_DAYS)
            .bind(case)
            .fetch_optional(&mut *self.0)
            .await?
            .flatten();
        sqlx::query(crate::clocks::OUTBOUND)
            .bind(at)
            .bind(crate::clocks::update_due(at, days))
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        sqlx::query(crate::clocks::REFRESH_NEXT_ACTION)
            .bind(case)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn insert_contact(&mut self, x: &ContactRow<'_>) -> Result<i64> {
        Ok(sqlx::query_scalar(INSERT_CONTACT)
            .bind(x.case)
            .bind(x.customer)
            .bind(x.channel)
            .bind(x.direction)
            .bind(x.sender)
            .bind(x.subject)
            .bind(x.body)
            .bind(x.body_html)
            .bind(x.received_at)
            .bind(x.created_at)
            .bind(x.external_id)
            .fetch_one(&mut *self.0)
            .await?)
    }
    async fn insert_attachment(&mut self, contact: i64, f: &StoredFile) -> Result<()> {
        sqlx::query(INSERT_ATTACHMENT)
            .bind(contact)
            .bind(&f.filename)
            .bind(&f.content_type)
            .bind(f.size)
            .bind(&f.sha256)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn insert_entity(&mut self, contact: i64, e: &NewEntity) -> Result<()> {
        sqlx::query(INSERT_ENTITY)
            .bind(contact)
            .bind(&e.field)
            .bind(&e.kind)
            .bind(&e.value)
            .bind(e.start)
            .bind(e.end)
            .bind(e.confidence)
            .bind(e.sensitive)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
    async fn insert_report(
        &mut self,
        case: i64,
        contact: i64,
        source: &str,
        now: i64,
        r: &crate::reports::NewReport,
    ) -> Result<()> {
        sqlx::query(INSERT_REPORT)
            .bind(case)
            .bind(contact)
            .bind(source)
            .bind(&r.token)
            .bind(r.lat)
            .bind(r.long)
            .bind(&r.address)
            .bind(&r.address_id)
            .bind(&r.postcode)
            .bind(report_attributes(r)?)
            .bind(&r.media_url)
            .bind(&r.account_id)
            .bind(&r.device_id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

/// A report's answers as stored (JSON).
fn report_attributes(r: &crate::reports::NewReport) -> Result<String> {
    serde_json::to_string(&r.attributes).map_err(|e| StoreError::Engine(e.to_string()))
}

/// A case's title: its first subject, else the start of its first body.
fn case_title(c: &NewContact) -> String {
    if let Some(s) = &c.subject {
        return s.chars().take(200).collect();
    }
    let first_line = c.body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut t: String = first_line.trim().chars().take(80).collect();
    if first_line.trim().chars().count() > 80 {
        t.push('…');
    }
    if t.is_empty() {
        format!("{} contact", c.channel)
    } else {
        t
    }
}

/// The reference of case number `id`.
pub(crate) fn reference(prefix: &str, id: i64) -> Result<CaseReference> {
    CaseReference::new(prefix, id).map_err(|e| StoreError::Schema(format!("case {id}: {e}")))
}

/// Parses a vocabulary column; a bad value means the database was edited by hand.
pub(crate) fn parse_col<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|e| StoreError::Schema(format!("unexpected value in database: {e}")))
}
