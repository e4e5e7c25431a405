//! Updates that reach residents unasked: an acknowledgement when a case opens from a
//! form or an email, and an email when its status changes in a way its service tells
//! (see `heard_core::updates`). Everyone who reported the same problem (cases linked to
//! it as duplicates) hears too. Each email carries the signed tracking link and a link
//! to stop updates.
//!
//! Driven by the case history, not by the code that changes a case: whatever changes a
//! status (a page, the API, a bulk action, another node), the `status` event is written
//! in the same transaction, and this loop turns each event into emails exactly once
//! (`Store::record_notice` claims the event and queues the emails together).

use super::{link, status_words};
use crate::AppState;
use crate::i18n::{Lang, day, t, tf};
use heard_core::{CaseReference, CaseStatus, Channel};
use heard_store::StoreError;
use heard_store::outbox::NewOutgoingEmail;
use heard_store::sms::NewSms;
use heard_store::track::{NoticeEvent, Recipient};
use jiff::{SignedDuration, Timestamp};

/// How long an event waits before it is told: a status changed and changed back at once
/// is still told in order, and late commits are seen (see `Store::notice_events`).
const SETTLE: SignedDuration = SignedDuration::from_secs(2);
/// Events handled per round.
const BATCH: i64 = 200;

/// Runs the loop until the process ends, one round every `every`.
pub async fn run(state: AppState, every: std::time::Duration) {
    loop {
        match tell(&state).await {
            Ok(n) if n > 0 => tracing::info!(emails = n, "resident updates queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "resident updates failed; trying again"),
        }
        tokio::time::sleep(every).await;
    }
}

/// One round: every settled event not yet handled. Returns the emails queued.
#[tracing::instrument(skip_all)]
pub async fn tell(state: &AppState) -> Result<usize, StoreError> {
    let store = state.store();
    let mut queued = 0;
    loop {
        let events = store
            .notice_events(&state.settings().reference_prefix, SETTLE, BATCH)
            .await?;
        if events.is_empty() {
            return Ok(queued);
        }
        for e in &events {
            let (emails, texts) = compose(state, e).await?;
            if store.record_notice(e, &emails, &texts).await? {
                queued += emails.len() + texts.len();
            }
        }
    }
}

/// The emails and text messages event `e` gives: none when the policy does not tell it.
/// A resident with an email address gets an email; one with only a phone number gets a
/// text message when Notify is configured.
async fn compose(state: &AppState, e: &NoticeEvent) -> Result<(Vec<NewOutgoingEmail>, Vec<NewSms>), StoreError> {
    let policy = &state.settings().updates;
    let first: Option<Channel> = e.first_channel.as_deref().and_then(|c| c.parse().ok());
    let what = match e.kind.as_str() {
        "created" if first.is_some_and(|c| policy.acknowledges(c)) => What::Received(first),
        "status" => {
            let status = |k: &str| e.detail.get(k).and_then(|v| v.as_str()).and_then(|s| s.parse().ok());
            match status("to") {
                Some(to) if policy.tells(&e.service, status("from"), to) => What::Status(to),
                _ => return Ok((Vec::new(), Vec::new())),
            }
        }
        _ => return Ok((Vec::new(), Vec::new())),
    };
    let store = state.store();
    let case = store.case(&e.case).await?;
    let definition = state
        .service_definitions()
        .await?
        .iter()
        .find(|s| s.slug == case.service)
        .cloned();
    let service_in = |lang: Lang| {
        definition.as_ref().map_or_else(
            || case.service.replace('-', " "),
            |s| s.name_in(lang.code()).to_string(),
        )
    };
    let mut recipients = store.notice_recipients(&e.case).await?;
    if matches!(what, What::Received(_)) {
        // An acknowledgement is for the one who wrote, not for earlier reporters.
        recipients.retain(|r| r.own_case == e.case);
    }
    let key = state.track_key().await?;
    let now = Timestamp::now();
    let settings = state.settings();
    let mut out = Vec::with_capacity(recipients.len());
    let mut texts = Vec::new();
    for r in recipients {
        let own = r.own_case.to_string();
        let case_key = link::sign(&key, &own, now, link::LINK_LIFETIME);
        let track = format!("{}/track/{own}?key={case_key}", settings.public_url);
        let stop = format!(
            "{}/track/{own}/stop?c={}&key={}",
            settings.public_url,
            r.customer_id,
            link::sign(&key, &stop_subject(&own, r.customer_id), now, link::LINK_LIFETIME)
        );
        let lang = r.language.as_deref().and_then(Lang::parse).unwrap_or_default();
        let (subject, lines) = words(lang, &what, &case.reference, &r, &service_in(lang), case.due_at);
        let greeting = match r.name.split_whitespace().next() {
            Some(n) if !r.name.contains('@') && !r.name.starts_with('+') => tf(lang, "Hello {name},", &[("name", n)]),
            _ => t(lang, "Hello,").to_string(),
        };
        // A case done: one question on how it went.
        let survey = match what {
            What::Status(CaseStatus::Resolved | CaseStatus::Closed) => format!(
                "\n\n{}\n{}/track/{own}/survey?key={case_key}&lang={lang}",
                t(lang, "How did we do? Tell us in one question:"),
                settings.public_url
            ),
            _ => String::new(),
        };
        let Some(email) = r.email.clone() else {
            // Only a phone number: a short text message, when Notify is set up.
            if let Some(phone) = r.phone.clone().filter(|_| settings.sms) {
                texts.push(NewSms {
                    case_id: Some(r.own_case.number()),
                    to: phone,
                    body: format!(
                        "{}: {lines}\n{} {track}&lang={lang}{}\n{} {stop}&lang={lang}",
                        settings.council_name,
                        t(lang, "See your case:"),
                        survey.replace("\n\n", "\n"),
                        t(lang, "To stop messages about this case:"),
                    ),
                });
            }
            continue;
        };
        let lines = format!("{lines}{survey}");
        let body = format!(
            "{greeting}\n\n{lines}\n\n{}\n{track}&lang={lang}\n\n{}\n\n{} {stop}&lang={lang}\n",
            t(lang, "See your case, and add information or a photo:"),
            settings.council_name,
            t(lang, "To stop emails about this case:"),
        );
        out.push(NewOutgoingEmail {
            case_id: Some(r.own_case.number()),
            message_id: format!(
                "update.{}@{}",
                crate::reports::new_token(),
                domain(&settings.reply_from)
            ),
            in_reply_to: None,
            references: Vec::new(),
            from: settings.reply_from.clone(),
            to: email,
            subject: format!("{subject} [{own}]"),
            body,
            attachments: Vec::new(),
        });
    }
    Ok((out, texts))
}

/// What is being told.
enum What {
    Received(Option<Channel>),
    Status(CaseStatus),
}

/// Subject and the middle of the email.
fn words(
    lang: Lang,
    what: &What,
    case: &CaseReference,
    r: &Recipient,
    service: &str,
    due: Option<Timestamp>,
) -> (String, String) {
    let aim = due
        .filter(|d| *d > Timestamp::now())
        .map(|d| tf(lang, " We aim to finish by {date}.", &[("date", &day(lang, &d))]))
        .unwrap_or_default();
    let (case, service) = (case.to_string(), service.to_string());
    match what {
        What::Received(channel) => {
            let (subject, thanks) = if *channel == Some(Channel::Email) {
                (
                    "We have received your message",
                    "Thank you for contacting us. We have received your message about {service}.",
                )
            } else {
                (
                    "We have received your report",
                    "Thank you for contacting us. We have received your report about {service}.",
                )
            };
            let reference = tf(
                lang,
                "Your reference is {reference}. Quote it if you contact us about this.",
                &[("reference", &case)],
            );
            (
                t(lang, subject).to_string(),
                format!("{}\n\n{reference}{aim}", tf(lang, thanks, &[("service", &service)])),
            )
        }
        What::Status(to) => {
            let words = t(lang, status_words(*to).0);
            let middle = if r.own_case.to_string() == case {
                tf(
                    lang,
                    "Your case {case} about {service} is now: {status}.",
                    &[("case", &case), ("service", &service), ("status", words)],
                )
            } else {
                tf(
                    lang,
                    "You reported a problem ({own}) that we are dealing with as case {case}, about {service}. It is now: {status}.",
                    &[
                        ("own", &r.own_case.to_string()),
                        ("case", &case),
                        ("service", &service),
                        ("status", words),
                    ],
                )
            };
            let next = match to {
                CaseStatus::Resolved | CaseStatus::Closed => t(
                    lang,
                    " If the problem has come back, tell us on the page below or report it again.",
                )
                .to_string(),
                _ => aim,
            };
            (
                tf(lang, "Your case is now: {status}", &[("status", words)]),
                format!("{middle}{next}"),
            )
        }
    }
}

/// What a stop link signs: the case and the one customer it stops.
pub(crate) fn stop_subject(reference: &str, customer: i64) -> String {
    format!("{reference}/stop/{customer}")
}

/// The domain for Message-IDs, from a From like `Council <contact@council.gov.uk>`.
pub(crate) fn domain(from: &str) -> &str {
    from.rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("heard.invalid")
}
