//! "Track my case": the resident's own view of a case, at `/track`.
//!
//! A resident gets in with a signed link (see [`link`]) from the report receipt or any
//! message heard sends, or with the case reference and the email address the case was
//! raised with, by a one-time code sent to that address. Until then nothing about the
//! case is shown, and every answer is the same whether or not the case exists.
//!
//! What a resident sees is what they sent and what was sent to them, the status in
//! plain words and what happens next by when. Staff notes, names and call notes written
//! by staff never appear. What the resident adds arrives on the case as a contact.
//!
//! Forgery: the pages have no sign-in and no cookie; the secret is the link key, which a
//! form carries back in a hidden field, so another site cannot post in its name.

pub(crate) mod link;
pub(crate) mod notices;
mod survey;

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::forms::photo;
use crate::i18n::{Lang, Public, form_lang, public, t, tf};
use crate::pages::render;
use crate::reports::{ReportFile, take_in};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Form, Multipart, OriginalUri, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heard_core::contact::{AttachmentMeta, ContactInput};
use heard_core::{CaseReference, CaseStatus, Channel, Direction, Identity, NewContact};
use heard_store::track::CodeCheck;
use heard_store::{CaseDetail, StoreError};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use std::sync::Arc;

/// Codes sent for one case in an hour, whoever asks.
const CODES_PER_CASE_HOUR: i64 = 3;
/// How long a code works.
const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(15);
/// Updates shown on the page, newest first (keeps the page small).
const MAX_UPDATES: usize = 30;
/// Characters of one message shown; the rest is cut with an ellipsis.
const MAX_SHOWN_CHARS: usize = 2_000;
/// Characters of messages on one page in all: older messages are shortened first, to
/// [`MIN_SHOWN_CHARS`], so a case of long emails stays under 50 KB.
const PAGE_TEXT_BUDGET: usize = 24_000;
/// The least of an older message shown once the budget is spent.
const MIN_SHOWN_CHARS: usize = 280;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/track", get(start).post(request_code))
        .route("/track/code", post(enter_code))
        .route("/track/{reference}", get(view))
        .route("/track/{reference}/stop", get(stop_page).post(stop))
        .route("/track/{reference}/files/{id}", get(photo))
        .route("/track/{reference}/messages/{id}", get(whole_message))
        .route("/track/{reference}/survey", get(survey::page).post(survey::answer))
        .route(
            "/track/{reference}/add",
            post(add).layer(DefaultBodyLimit::max(2 * photo::MAX_PHOTO_BYTES)),
        )
        .layer(axum::middleware::map_response(no_referrer))
        .layer(axum::middleware::from_fn(crate::i18n::remember))
}

/// Link keys travel in addresses: no page here tells another site where it came from,
/// and no shared cache keeps a case's page.
async fn no_referrer(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

impl AppState {
    /// The key that signs links and codes, read (or made) once per node.
    async fn track_key(&self) -> Result<Arc<Vec<u8>>, StoreError> {
        self.track_key_cell()
            .get_or_try_init(|| async { self.store().site_key("track").await.map(Arc::new) })
            .await
            .cloned()
    }
}

/// A signed link to `reference` for a resident, lasting [`link::LINK_LIFETIME`]: the
/// path and query, to put after the site's address.
pub async fn link_for(state: &AppState, reference: &CaseReference) -> Result<String, StoreError> {
    let key = state.track_key().await?;
    let r = reference.to_string();
    Ok(format!(
        "/track/{r}?key={}",
        link::sign(&key, &r, Timestamp::now(), link::LINK_LIFETIME)
    ))
}

/// A case reference as residents type it: `hrd 123`, `HRD123`, ` HRD-000123 `.
fn read_reference(raw: &str, prefix: &str) -> Option<CaseReference> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let upper = compact.to_ascii_uppercase();
    let digits = upper.strip_prefix(prefix)?;
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    CaseReference::new(prefix, digits.parse().ok()?).ok()
}

fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "track page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service. Try again later.",
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "track_start.html")]
struct StartPage {
    p: Public,
    /// Codes can go by text message too.
    sms: bool,
    example: String,
    reference: String,
    contact: String,
    errors: Vec<(String, String)>,
}

impl StartPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
struct StartQuery {
    #[serde(default)]
    reference: String,
}

async fn start(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<StartQuery>,
) -> Response {
    render(&StartPage {
        p: public(&state, lang, &uri),
        example: format!("{}-000123", state.settings().reference_prefix),
        sms: state.settings().sms,
        reference: q.reference.chars().take(40).collect(),
        contact: String::new(),
        errors: Vec::new(),
    })
}

#[derive(Deserialize, Default)]
struct CodeForm {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "track_code.html")]
struct CodePage {
    p: Public,
    reference: String,
    contact: String,
    /// "If case … was raised with …, we have sent a code".
    sent: String,
    error: Option<String>,
}

impl CodePage {
    fn new(p: Public, reference: String, contact: String, error: Option<String>) -> CodePage {
        let sentence = if contact.starts_with('+') {
            "If case {reference} was raised with {contact}, we have sent a 6-digit code to that number by text message. The code works once, for 15 minutes."
        } else {
            "If case {reference} was raised with {contact}, we have sent a 6-digit code to that address. The code works once, for 15 minutes."
        };
        let sent = tf(p.lang, sentence, &[("reference", &reference), ("contact", &contact)]);
        CodePage {
            p,
            reference,
            contact,
            sent,
            error,
        }
    }
}

/// Too many requests from one address: the same page for codes asked and codes tried.
fn slow_down(lang: Lang, wait: std::time::Duration) -> Response {
    let minutes = wait.as_secs().div_ceil(60).max(1).to_string();
    let mut res = (
        StatusCode::TOO_MANY_REQUESTS,
        tf(
            lang,
            "You have tried too many times. Wait {minutes} minutes, then try again.",
            &[("minutes", &minutes)],
        ),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// The address this request is counted against.
fn client_key() -> String {
    format!("track:{}", crate::audit::current_client().unwrap_or_default())
}

/// Reads the reference and email address from the start form; errors by field.
fn read_start(state: &AppState, lang: Lang, f: &CodeForm) -> Result<(CaseReference, String), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let reference = read_reference(&f.reference, &state.settings().reference_prefix);
    if reference.is_none() {
        let example = format!("{}-000123", state.settings().reference_prefix);
        errors.push((
            "reference".into(),
            tf(
                lang,
                "Enter your case reference, like {example}",
                &[("example", &example)],
            ),
        ));
    }
    let contact = f.contact.trim();
    let email = if contact.is_empty() {
        errors.push((
            "contact".into(),
            t(lang, "Enter the email address you gave us when you contacted us").into(),
        ));
        None
    } else if let Ok(i) = Identity::email(contact) {
        Some(i.value)
    } else if let Ok(i) = Identity::phone(contact)
        && state.settings().sms
    {
        Some(i.value)
    } else if Identity::phone(contact).is_ok() {
        errors.push((
            "contact".into(),
            t(
                lang,
                "We can only send a code by email at the moment. Enter the email address you gave us, or use the link in any email from us",
            )
            .into(),
        ));
        None
    } else {
        errors.push((
            "contact".into(),
            t(
                lang,
                "Enter an email address in the correct format, like name@example.com",
            )
            .into(),
        ));
        None
    };
    match (reference, email) {
        (Some(r), Some(e)) if errors.is_empty() => Ok((r, e)),
        _ => Err(errors),
    }
}

/// Sends a code when the reference and address belong together; answers the same
/// either way, so the page tells a guesser nothing.
#[tracing::instrument(skip_all)]
async fn request_code(State(state): State<AppState>, lang: Lang, Form(f): Form<CodeForm>) -> Response {
    let lang = form_lang(f.lang.as_deref(), lang);
    let here = axum::http::Uri::from_static("/track");
    let limiter = state.track_limiter();
    let who = client_key();
    if let Some(wait) = limiter.refuse(&who) {
        return slow_down(lang, wait);
    }
    let (reference, email) = match read_start(&state, lang, &f) {
        Ok(v) => v,
        Err(errors) => {
            let page = StartPage {
                p: public(&state, lang, &here),
                example: format!("{}-000123", state.settings().reference_prefix),
                sms: state.settings().sms,
                reference: f.reference.chars().take(40).collect(),
                contact: f.contact.chars().take(200).collect(),
                errors,
            };
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    limiter.failed(&who);
    let sent = match send_code(&state, lang, &reference, &email).await {
        Ok(sent) => sent,
        Err(e) => return server_error(e),
    };
    tracing::info!(%reference, sent, "tracking code asked for");
    render(&CodePage::new(
        public(&state, lang, &here),
        reference.to_string(),
        email,
        None,
    ))
}

/// Puts a code in the outbox for `email` when it is the case's customer's, within the
/// hourly limit. `Ok(false)` when nothing was sent.
async fn send_code(state: &AppState, lang: Lang, reference: &CaseReference, email: &str) -> Result<bool, StoreError> {
    let store = state.store();
    // A number (E.164) gets a text message; anything else is an email address.
    let kind = if email.starts_with('+') { "phone" } else { "email" };
    if !store.case_has_identity(reference, kind, email).await? {
        return Ok(false);
    }
    let key = state.track_key().await?;
    let code = link::new_code();
    let r = reference.to_string();
    let hash = link::code_hash(&key, &r, email, &code);
    if !store
        .issue_track_code(reference, email, &hash, CODE_LIFETIME, CODES_PER_CASE_HOUR)
        .await?
    {
        return Ok(false);
    }
    let minutes = CODE_LIFETIME.as_mins().to_string();
    if kind == "phone" {
        let body = tf(
            lang,
            "Your code to see case {reference} is {code}. It works once, for {minutes} minutes. If you did not ask for it, ignore this message.",
            &[("reference", &r), ("code", &code), ("minutes", &minutes)],
        );
        store
            .enqueue_sms(&heard_store::sms::NewSms {
                case_id: Some(reference.number()),
                to: email.to_string(),
                body,
            })
            .await?;
        return Ok(true);
    }
    let from = &state.settings().reply_from;
    let domain = notices::domain(from);
    store
        .enqueue_email(&heard_store::outbox::NewOutgoingEmail {
            case_id: Some(reference.number()),
            message_id: format!("track.{}@{domain}", crate::reports::new_token()),
            in_reply_to: None,
            references: Vec::new(),
            from: from.clone(),
            to: email.to_string(),
            subject: tf(lang, "Your code to see case {reference}", &[("reference", &r)]),
            body: tf(
                lang,
                "Your code to see case {reference} is\n\n    {code}\n\nEnter it on the page where you asked for it. It works once, for the next {minutes} minutes.\n\nIf you did not ask for a code, you can ignore this email: nobody can see your case without it.\n",
                &[
                    ("reference", &r),
                    ("code", &code),
                    ("minutes", &minutes),
                ],
            ),
            attachments: Vec::new(),
        })
        .await?;
    Ok(true)
}

#[tracing::instrument(skip_all)]
async fn enter_code(State(state): State<AppState>, lang: Lang, Form(f): Form<CodeForm>) -> Response {
    let lang = form_lang(f.lang.as_deref(), lang);
    let limiter = state.track_limiter();
    let who = client_key();
    if let Some(wait) = limiter.refuse(&who) {
        return slow_down(lang, wait);
    }
    let (reference, email) = match read_start(&state, lang, &f) {
        Ok(v) => v,
        Err(_) => return Redirect::to("/track").into_response(),
    };
    let again = |error: &str| {
        let p = public(&state, lang, &axum::http::Uri::from_static("/track"));
        let page = CodePage::new(
            p,
            reference.to_string(),
            email.clone(),
            Some(t(lang, error).to_string()),
        );
        (StatusCode::BAD_REQUEST, render(&page)).into_response()
    };
    let code: String = f.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return again("Enter the 6-digit code from the email");
    }
    let key = match state.track_key().await {
        Ok(k) => k,
        Err(e) => return server_error(e),
    };
    let r = reference.to_string();
    let hash = link::code_hash(&key, &r, &email, &code);
    match state.store().redeem_track_code(&reference, &email, &hash).await {
        Ok(CodeCheck::Accepted) => {
            // They read this language: every message to them will be in it.
            if let Err(e) = remember_language(&state, &reference, lang).await {
                return server_error(e);
            }
            let k = link::sign(&key, &r, Timestamp::now(), link::VISIT_LIFETIME);
            Redirect::to(&format!("/track/{r}?key={k}")).into_response()
        }
        Ok(outcome) => {
            limiter.failed(&who);
            tracing::info!(%reference, ?outcome, "tracking code refused");
            again("The code is not right, or it has expired. Check the email, or ask for a new code")
        }
        Err(e) => server_error(e),
    }
}

#[derive(Deserialize, Default)]
struct ViewQuery {
    #[serde(default)]
    key: String,
    #[serde(default)]
    added: Option<String>,
}

#[derive(Template)]
#[template(path = "track_expired.html")]
struct ExpiredPage {
    p: Public,
    reference: String,
}

/// A link that does not open: the same for a wrong key, an expired one and a case that
/// does not exist.
fn expired(state: &AppState, lang: Lang, raw: &str) -> Response {
    let reference: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(20)
        .collect();
    let p = public(state, lang, &axum::http::Uri::from_static("/track"));
    (StatusCode::FORBIDDEN, render(&ExpiredPage { p, reference })).into_response()
}

/// A reference in a link's path, when it is one of this council's.
fn ours(state: &AppState, raw: &str) -> Option<CaseReference> {
    raw.parse::<CaseReference>()
        .ok()
        .filter(|r| r.prefix() == state.settings().reference_prefix)
}

/// The case a link opens, or the page to show instead.
async fn opened(state: &AppState, lang: Lang, raw: &str, key: &str) -> Result<CaseDetail, Response> {
    let Some(reference) = ours(state, raw) else {
        return Err(expired(state, lang, raw));
    };
    let secret = state.track_key().await.map_err(server_error)?;
    if !link::verify(&secret, &reference.to_string(), key, Timestamp::now()) {
        return Err(expired(state, lang, raw));
    }
    match state.store().case_detail(&reference).await {
        Ok(d) => Ok(d),
        Err(StoreError::NotFound(_)) => Err(expired(state, lang, raw)),
        Err(e) => Err(server_error(e)),
    }
}

/// One entry on the resident's timeline.
struct Update {
    at: String,
    heading: String,
    /// What was written, when the resident wrote it or it was sent to them.
    body: String,
    /// (file name, the attachment's id when it is a photo the page can show).
    files: Vec<(String, Option<i64>)>,
    /// The message's contact id, when the page shortened it: a link reads it whole.
    more: Option<i64>,
}

#[derive(Template)]
#[template(path = "track_case.html")]
struct CasePage {
    p: Public,
    reference: String,
    key: String,
    service: String,
    status: &'static str,
    status_class: &'static str,
    opened: String,
    next: String,
    open: bool,
    updates: Vec<Update>,
    message: String,
    errors: Vec<(String, String)>,
    added: bool,
}

impl CasePage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }
}

/// The status as a resident reads it (in English: see [`crate::i18n::t`]), and its
/// tag's colour class.
fn status_words(s: CaseStatus) -> (&'static str, &'static str) {
    match s {
        CaseStatus::New | CaseStatus::Open => ("Received", "tag-new"),
        CaseStatus::InProgress | CaseStatus::KnownError => ("In progress", ""),
        CaseStatus::AwaitingCustomer => ("Waiting for you", "tag-new"),
        CaseStatus::AwaitingThirdParty => ("Waiting for someone else", ""),
        CaseStatus::Stage1 => ("Complaint being investigated", ""),
        CaseStatus::Stage2 => ("Complaint being reviewed", ""),
        CaseStatus::Resolved => ("Resolved", "tag-closed"),
        CaseStatus::Closed => ("Closed", "tag-closed"),
    }
}

use crate::i18n::day;

/// What happens next, and by when, from the status and the service level.
fn what_next(lang: Lang, d: &CaseDetail, now: Timestamp) -> String {
    let c = &d.case;
    if !c.status.is_open() {
        let when = day(lang, &c.closed_at.unwrap_or(c.updated_at));
        return tf(
            lang,
            "We closed this case on {date}. If the problem has come back, report it again and quote {reference}.",
            &[("date", &when), ("reference", &c.reference.to_string())],
        );
    }
    let due = match (c.due_at, c.clock_paused_at) {
        (Some(due), None) if due < now => tf(
            lang,
            " We aimed to finish by {date}, and this is taking longer. We are sorry for the delay.",
            &[("date", &day(lang, &due))],
        ),
        (Some(due), None) => tf(lang, " We aim to finish by {date}.", &[("date", &day(lang, &due))]),
        _ => String::new(),
    };
    let replied = d.contacts.iter().any(|x| x.direction == Direction::Outbound);
    let first = match c.status {
        CaseStatus::AwaitingCustomer => {
            return t(
                lang,
                "We need more information from you before we can go on. Add it below and we will pick your case up again.",
            )
            .into();
        }
        CaseStatus::AwaitingThirdParty => "We are waiting for someone outside the council, such as a contractor.",
        _ if !replied => "We have your case and will reply to you.",
        _ => "We are working on your case.",
    };
    format!("{}{due}", t(lang, first))
}

fn cut(text: &str, at_most: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(at_most) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// The resident's timeline: what they sent, what was sent to them, status changes.
/// Newest first; staff notes, assignments and staff-written call notes are left out.
fn updates(lang: Lang, d: &CaseDetail) -> Vec<Update> {
    let mut out: Vec<(Timestamp, Update)> = Vec::new();
    for c in &d.contacts {
        let theirs = c.customer_id == d.case.customer.id;
        // Words the resident typed, or words sent to them, are theirs to read; a call,
        // visit or letter is summarised by staff, in staff words.
        let own_words = matches!(
            c.channel,
            Channel::Email
                | Channel::WebForm
                | Channel::Open311
                | Channel::Sms
                | Channel::Facebook
                | Channel::Instagram
                | Channel::X
        );
        let heading = match (c.direction, c.channel) {
            (Direction::Inbound, _) if !theirs => continue,
            (Direction::Inbound, Channel::Email) => "You emailed us",
            (Direction::Inbound, Channel::WebForm | Channel::Open311) => "You wrote to us online",
            (Direction::Inbound, Channel::Sms) => "You sent us a text message",
            (Direction::Inbound, Channel::Phone) => "You phoned us",
            (Direction::Inbound, Channel::Visit) => "You visited us",
            (Direction::Inbound, Channel::Letter) => "You wrote to us by letter",
            (Direction::Inbound, ch) if ch.is_social() => "You messaged us",
            (Direction::Inbound, _) => "We heard from you",
            (Direction::Outbound, Channel::Email) => "We emailed you",
            (Direction::Outbound, Channel::Sms) => "We sent you a text message",
            (Direction::Outbound, Channel::Phone) => "We phoned you",
            (Direction::Outbound, Channel::Letter) => "We wrote to you",
            (Direction::Outbound, ch) if ch.is_social() => "We replied to your message",
            (Direction::Outbound, _) => "We contacted you",
        };
        out.push((
            c.received_at,
            Update {
                at: crate::i18n::moment(lang, &c.received_at),
                heading: t(lang, heading).into(),
                body: if own_words {
                    c.body.trim().to_string()
                } else {
                    String::new()
                },
                more: own_words.then_some(c.id),
                files: if own_words {
                    c.attachments
                        .iter()
                        .map(|a| (a.filename.clone(), shown_image(&a.content_type).then_some(a.id)))
                        .collect()
                } else {
                    Vec::new()
                },
            },
        ));
    }
    for e in &d.history {
        let heading = match e.kind.as_str() {
            "created" => t(lang, "Case opened").to_string(),
            "status" => match e.detail.get("to").and_then(|v| v.as_str()).and_then(|s| s.parse().ok()) {
                Some(s) => tf(lang, "Status: {status}", &[("status", t(lang, status_words(s).0))]),
                None => continue,
            },
            _ => continue,
        };
        out.push((
            e.at,
            Update {
                at: crate::i18n::moment(lang, &e.at),
                heading,
                body: String::new(),
                files: Vec::new(),
                more: None,
            },
        ));
    }
    out.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    // Newest first within the page's text budget: the newest messages in full (up to
    // MAX_SHOWN_CHARS), older ones shortened once the budget is spent.
    let mut budget = PAGE_TEXT_BUDGET;
    out.into_iter()
        .take(MAX_UPDATES)
        .map(|(_, mut u)| {
            let whole = u.body.chars().count();
            if whole > 0 {
                u.body = cut(&u.body, MAX_SHOWN_CHARS.min(budget.max(MIN_SHOWN_CHARS)));
                budget = budget.saturating_sub(u.body.chars().count());
            }
            // The link to the whole message only when some of it was left out.
            if u.body.chars().count() >= whole {
                u.more = None;
            }
            u
        })
        .collect()
}

async fn case_page(
    state: &AppState,
    lang: Lang,
    mut d: CaseDetail,
    key: &str,
    message: String,
    errors: Vec<(String, String)>,
    added: bool,
) -> Response {
    let service = match state.service_definitions().await {
        Ok(all) => all.iter().find(|s| s.slug == d.case.service).map_or_else(
            || d.case.service.replace('-', " "),
            |s| s.name_in(lang.code()).to_string(),
        ),
        Err(e) => return server_error(e),
    };
    // The case detail holds a case's oldest contacts; the resident's page wants the newest.
    if d.contacts.len() >= MAX_UPDATES {
        match newest_contacts(state, d.case.id).await {
            Ok(newest) => d.contacts = newest,
            Err(e) => return server_error(e),
        }
    }
    let (status, status_class) = status_words(d.case.status);
    // A report linked as a duplicate follows the case that carries the work.
    let mut next = what_next(lang, &d, Timestamp::now());
    if let Some(main) = d
        .links
        .iter()
        .find(|l| l.kind == heard_core::CaseLinkKind::DuplicateOf && !l.inbound)
    {
        match state.store().case(&main.case).await {
            Ok(m) => {
                let together = tf(
                    lang,
                    "Someone else reported the same problem, so we are dealing with both together as case {main}. That case is: {status}.",
                    &[
                        ("main", &m.reference.to_string()),
                        ("status", t(lang, status_words(m.status).0)),
                    ],
                );
                next = format!("{together} {next}");
            }
            Err(e) => return server_error(e),
        }
    }
    let reference = d.case.reference.to_string();
    let here: axum::http::Uri = format!("/track/{reference}?key={key}")
        .parse()
        .unwrap_or_else(|_| axum::http::Uri::from_static("/track"));
    let page = CasePage {
        p: public(state, lang, &here),
        reference,
        key: key.to_string(),
        service,
        status: t(lang, status),
        status_class,
        opened: day(lang, &d.case.created_at),
        next,
        open: d.case.status.is_open(),
        updates: updates(lang, &d),
        message,
        errors,
        added,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (status, render(&page)).into_response()
}

/// The case's newest contacts, as many as the page shows updates: what the page and its
/// photos are built from.
async fn newest_contacts(state: &AppState, case: i64) -> Result<Vec<heard_store::ContactRecord>, StoreError> {
    let page = state
        .store()
        .list_contacts(
            &heard_store::queries::ContactFilter {
                case: Some(case),
                limit: Some(MAX_UPDATES as u32),
                ..Default::default()
            },
            &state.settings().reference_prefix,
        )
        .await?;
    Ok(page.items)
}

/// A resident read their case: recorded in the audit log as `public`.
async fn audit_read(state: &AppState, d: &CaseDetail) -> Result<(), Response> {
    state
        .audit_as(
            None,
            "public",
            Action::CASE_READ,
            Subject::case(&d.case),
            serde_json::json!({"via": "track"}),
        )
        .await
        .map_err(|e| server_error(e.detail.unwrap_or_default()))
}

#[tracing::instrument(skip_all, fields(reference = %raw))]
async fn view(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let d = match opened(&state, lang, &raw, &q.key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = audit_read(&state, &d).await {
        return r;
    }
    case_page(&state, lang, d, &q.key, String::new(), Vec::new(), q.added.is_some()).await
}

/// What a resident adds: a message or a photo, onto the case as a contact.
#[tracing::instrument(skip_all, fields(reference = %raw))]
async fn add(State(state): State<AppState>, lang: Lang, Path(raw): Path<String>, multipart: Multipart) -> Response {
    let sent = match crate::forms::read_form(multipart).await {
        Ok(s) => s,
        Err(why) => {
            tracing::info!(%why, "unreadable addition");
            return (
                StatusCode::BAD_REQUEST,
                "The form could not be read. Go back and try again.",
            )
                .into_response();
        }
    };
    let key = sent.values.get("key").cloned().unwrap_or_default();
    let lang = form_lang(sent.values.get("lang").map(String::as_str), lang);
    let d = match opened(&state, lang, &raw, &key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let message = sent.values.get("message").map_or("", |m| m.trim()).to_string();
    let mut errors = Vec::new();
    if !d.case.status.is_open() {
        errors.push((
            "message".into(),
            t(
                lang,
                "This case is closed. To tell us about something new, report it again",
            )
            .into(),
        ));
    }
    if sent.too_large {
        errors.push(("photo".into(), t(lang, "The photo must be smaller than 10 MB").into()));
    }
    let mut files = Vec::new();
    if let Some((given, bytes)) = sent.photo.filter(|_| !sent.too_large) {
        match photo::sniff(&bytes) {
            Some((content_type, ext)) => files.push(ReportFile {
                filename: photo::filename(&given, ext),
                content_type: content_type.into(),
                bytes,
            }),
            None => errors.push((
                "photo".into(),
                t(lang, "The photo must be a JPG, PNG, GIF, WebP or HEIC image").into(),
            )),
        }
    }
    if message.is_empty() && files.is_empty() && errors.is_empty() {
        errors.push((
            "message".into(),
            t(lang, "Enter what you want to tell us, or add a photo").into(),
        ));
    }
    if message.len() > state.settings().limits.max_body_bytes {
        errors.push(("message".into(), t(lang, "Your message is too long").into()));
    }
    if !errors.is_empty() {
        return case_page(&state, lang, d, &key, message, errors, false).await;
    }
    let from = match state.store().case_customer_identities(&d.case.reference).await {
        Ok(ids) => match ids.into_iter().next() {
            Some((_, value)) => value,
            None => return server_error("the case's customer has no identity"),
        },
        Err(e) => return server_error(e),
    };
    let fingerprint = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(d.case.reference.to_string().as_bytes());
        h.update([0]);
        h.update(message.as_bytes());
        for f in &files {
            h.update([0]);
            h.update(&f.bytes);
        }
        hex::encode(&h.finalize()[..16])
    };
    let reference = d.case.reference.clone();
    let input = ContactInput {
        channel: "web_form".into(),
        from,
        subject: Some(format!("More information on {reference}")),
        body: if message.is_empty() {
            "(a photo, with no message)".into()
        } else {
            message.clone()
        },
        external_id: Some(format!("track:{fingerprint}")),
        service: Some(d.case.service.clone()),
        attachments: files
            .iter()
            .map(|f| AttachmentMeta {
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                size: f.bytes.len() as u64,
            })
            .collect(),
        ..Default::default()
    };
    let contact = match NewContact::validate(input, Timestamp::now(), &state.settings().limits) {
        Ok(c) => c,
        Err(e) => {
            let errors = e
                .errors
                .into_iter()
                .map(|f| ("message".to_string(), format!("{}: {}", f.field, f.reason)))
                .collect();
            return case_page(&state, lang, d, &key, message, errors, false).await;
        }
    };
    let outcome = match take_in(&state, contact, &files, None, &[reference.number()]).await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(status = %e.status, detail = ?e.detail, "addition intake failed");
            let errors = vec![(
                "message".to_string(),
                t(
                    lang,
                    "Sorry, your message could not be saved. Try again in a few minutes",
                )
                .to_string(),
            )];
            return case_page(&state, lang, d, &key, message, errors, false).await;
        }
    };
    let detail = serde_json::json!({"channel": "web_form", "via": "track", "created": outcome.created});
    if let Err(e) = state
        .audit_as(
            None,
            "public",
            Action::CONTACT_CREATE,
            Subject::intake(&outcome),
            detail,
        )
        .await
    {
        return server_error(e.detail.unwrap_or_default());
    }
    if let Err(e) = remember_language(&state, &reference, lang).await {
        return server_error(e);
    }
    tracing::info!(%reference, joined = %outcome.case_reference, "resident added to a case");
    Redirect::to(&format!("/track/{reference}?key={key}&added=1")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_as_residents_type_them() {
        for raw in ["HRD-000123", "hrd-123", " HRD 000123 ", "hrd123", "HRD - 123"] {
            assert_eq!(read_reference(raw, "HRD").map(|r| r.number()), Some(123), "{raw}");
        }
        for raw in ["", "HRD", "HRD-", "ABC-000123", "HRD-12a", "123", "HRD-99999999999"] {
            assert!(read_reference(raw, "HRD").is_none(), "{raw}");
        }
    }
}

#[derive(Deserialize, Default)]
struct StopQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    c: i64,
    #[serde(default)]
    key: String,
}

#[derive(Template)]
#[template(path = "track_stop.html")]
struct StopPage {
    p: Public,
    reference: String,
    customer: i64,
    key: String,
    stopped: bool,
}

/// Whether a stop link is good: signed for this case and this customer.
async fn stop_link(state: &AppState, lang: Lang, raw: &str, q: &StopQuery) -> Result<CaseReference, Response> {
    let Some(reference) = ours(state, raw) else {
        return Err(expired(state, lang, raw));
    };
    let secret = state.track_key().await.map_err(server_error)?;
    let subject = notices::stop_subject(&reference.to_string(), q.c);
    if !link::verify(&secret, &subject, &q.key, Timestamp::now()) {
        return Err(expired(state, lang, raw));
    }
    Ok(reference)
}

/// The stop link from an email asks first: mail scanners open links, and must not
/// stop anyone's updates by doing so.
async fn stop_page(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(raw): Path<String>,
    Query(q): Query<StopQuery>,
) -> Response {
    match stop_link(&state, lang, &raw, &q).await {
        Ok(reference) => render(&StopPage {
            p: public(&state, lang, &uri),
            reference: reference.to_string(),
            customer: q.c,
            key: q.key,
            stopped: false,
        }),
        Err(r) => r,
    }
}

#[tracing::instrument(skip_all, fields(reference = %raw))]
async fn stop(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    Form(q): Form<StopQuery>,
) -> Response {
    let lang = form_lang(q.lang.as_deref(), lang);
    let reference = match stop_link(&state, lang, &raw, &q).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(e) = state.store().stop_updates(&reference, q.c).await {
        return server_error(e);
    }
    tracing::info!(%reference, customer = q.c, "resident stopped updates");
    render(&StopPage {
        p: public(&state, lang, &axum::http::Uri::from_static("/track")),
        reference: reference.to_string(),
        customer: q.c,
        key: String::new(),
        stopped: true,
    })
}

/// Stores the language the resident of `case` used, so messages to them follow it.
async fn remember_language(state: &AppState, case: &CaseReference, lang: Lang) -> Result<(), StoreError> {
    let customer = state.store().case(case).await?.customer.id;
    state.store().set_customer_language(customer, lang.code()).await
}

/// Image types a browser shows (HEIC is kept and listed, not shown).
fn shown_image(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png" | "image/gif" | "image/webp")
}

/// A photo on the resident's page: only with the case's key, only a photo of a message
/// the page shows (theirs or sent to them), never any other file.
async fn photo(
    State(state): State<AppState>,
    lang: Lang,
    Path((raw, id)): Path<(String, i64)>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let d = match opened(&state, lang, &raw, &q.key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let contacts = match newest_contacts(&state, d.case.id).await {
        Ok(c) => c,
        Err(e) => return server_error(e),
    };
    let attachment = contacts
        .iter()
        .flat_map(|c| c.attachments.iter())
        .find(|a| a.id == id)
        .cloned();
    // Shown on the page: a photo of a message the resident may see.
    let shown = updates(lang, &CaseDetail { contacts, ..d })
        .into_iter()
        .flat_map(|u| u.files)
        .any(|(_, shown)| shown == Some(id));
    let attachment = match attachment {
        Some(a) if shown && shown_image(&a.content_type) => a,
        _ => return (StatusCode::NOT_FOUND, "There is no such photo.").into_response(),
    };
    match state.files().get(&attachment.sha256).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, attachment.content_type),
                (header::CONTENT_DISPOSITION, "inline".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "There is no such photo.").into_response(),
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "track_message.html")]
struct MessagePage {
    p: Public,
    reference: String,
    key: String,
    update: Update,
}

/// One message whole, when the case page shortened it: only with the case's key, only
/// a message the resident may read (see [`updates`]).
async fn whole_message(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path((raw, id)): Path<(String, i64)>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let d = match opened(&state, lang, &raw, &q.key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let contact = match state.store().contact(id, &state.settings().reference_prefix).await {
        Ok(c) if c.case_reference == d.case.reference => c,
        Ok(_) | Err(StoreError::NotFound(_)) => {
            return (StatusCode::NOT_FOUND, "There is no such message.").into_response();
        }
        Err(e) => return server_error(e),
    };
    let body = contact.body.trim().to_string();
    let one = CaseDetail {
        contacts: vec![contact],
        history: Vec::new(),
        ..d
    };
    // Nothing, or no words: not a message the resident reads (another's, or staff notes of a call).
    let Some(mut update) = updates(lang, &one).into_iter().next().filter(|u| !u.body.is_empty()) else {
        return (StatusCode::NOT_FOUND, "There is no such message.").into_response();
    };
    update.body = body;
    render(&MessagePage {
        p: public(&state, lang, &uri),
        reference: one.case.reference.to_string(),
        key: q.key,
        update,
    })
}
