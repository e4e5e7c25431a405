//! The public "Report it / Contact us" form, one per service at `/report/{service}`:
//! plain HTML (works without JavaScript), the service's configured questions, a photo
//! (type read from its bytes, size limited), location by postcode. A sent form is a
//! report through the same intake as Open311 and answers at once with the case
//! reference; a form with mistakes comes back with each error beside its field and
//! everything typed kept.
//!
//! Forgery: there is no sign-in, so the form carries a random token that must match
//! the `heard_form` cookie (`SameSite=Strict`, so another site's page cannot send it),
//! and a cross-site `Origin` is refused.

pub(crate) mod photo;

use crate::AppState;
use crate::help::ArticleLink;
use crate::i18n::{Lang, Public, form_lang, public, t, tf};
use crate::pages::render;
use crate::reports::{ReportFile, new_token, take_in};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_core::contact::{AttachmentMeta, ContactInput};
use heard_core::service_form::{FieldType, check_answers};
use heard_core::{Identity, NewContact, Postcode};
use heard_store::reports::{NewReport, ReportFilter, ServiceDefinition};
use std::collections::BTreeMap;

/// Largest form body read. A photo over its own limit is read to the end and thrown
/// away (so the browser gets the page, not a reset connection); a body over this is cut.
const MAX_FORM_BYTES: usize = 4 * photo::MAX_PHOTO_BYTES;

/// The cookie that pairs with the form's hidden token.
const FORM_COOKIE: &str = "heard_form";

/// The public form's routes.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/report", get(index))
        .route("/report/{service}", get(form).post(submit))
        .route("/report/receipt/{token}", get(receipt))
        .route("/static/report.js", get(script))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(axum::middleware::from_fn(crate::i18n::remember))
}

#[derive(Template)]
#[template(path = "report_index.html")]
struct IndexPage {
    p: Public,
    services: Vec<ServiceDefinition>,
}

async fn index(State(state): State<AppState>, lang: Lang, OriginalUri(uri): OriginalUri) -> Response {
    match state.store().service_definitions().await {
        Ok(services) => render(&IndexPage {
            p: public(&state, lang, &uri),
            // Triage is where routing puts what it is unsure of, not something to report.
            services: services
                .into_iter()
                .filter(|s| {
                    state
                        .settings()
                        .routing
                        .as_ref()
                        .is_none_or(|r| r.triage_service != s.slug)
                })
                .collect(),
        }),
        Err(e) => {
            tracing::error!(error = %e, "service list failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be shown").into_response()
        }
    }
}

/// The form's script: suggestions as the resident types (the form works without it).
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../../static/report.js"),
    )
}

/// One of the service's questions, as the page shows it.
struct FieldView {
    name: String,
    label: String,
    hint: String,
    /// `text`, `textarea`, `number`, `datetime`, `select` or `checkboxes`.
    control: &'static str,
    required: bool,
    value: String,
    choices: Vec<ChoiceView>,
    error: Option<String>,
}

struct ChoiceView {
    key: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    p: Public,
    service: ServiceDefinition,
    /// What was typed, by field name.
    values: BTreeMap<String, String>,
    /// Errors, in page order: (field id, message).
    errors: Vec<(String, String)>,
    fields: Vec<FieldView>,
    token: String,
    /// Answers that may help, each linked with this visit.
    suggestions: Vec<ArticleLink>,
    /// Where the script asks for suggestions as the resident types.
    suggest_url: String,
}

impl FormPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }
}

async fn service(state: &AppState, slug: &str) -> Result<ServiceDefinition, Response> {
    match state
        .service_definitions()
        .await
        .map(|all| all.iter().find(|s| s.slug == slug).cloned())
    {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err((StatusCode::NOT_FOUND, "There is no such form.").into_response()),
        Err(e) => {
            tracing::error!(error = %e, "service lookup failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "the page could not be shown").into_response())
        }
    }
}

/// The page for `service`, with `values` typed and `errors` found, and a fresh
/// cookie-paired token.
/// What the resident typed, and what was wrong with it.
#[derive(Default)]
struct Entered<'a> {
    values: BTreeMap<String, String>,
    /// The service's questions: (code, value), repeated for checkboxes.
    multi: &'a [(String, String)],
    errors: Vec<(String, String)>,
}

fn page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    service: ServiceDefinition,
    entered: Entered<'_>,
    mut suggestions: Vec<ArticleLink>,
) -> Response {
    let Entered { values, multi, errors } = entered;
    let token = new_token();
    for a in &mut suggestions {
        a.url = format!("{}?v={token}", a.url);
    }
    let suggest_url = format!("/report/{}/suggest?v={token}&lang={lang}", service.slug);
    let fields = service
        .fields
        .iter()
        .map(|f| {
            let name = format!("f_{}", f.code);
            let picked: Vec<&str> = multi
                .iter()
                .filter(|(k, _)| k == &f.code)
                .map(|(_, v)| v.as_str())
                .collect();
            FieldView {
                label: f.description_in(lang.code()).to_string(),
                hint: f.hint_in(lang.code()).to_string(),
                control: match f.datatype {
                    FieldType::String => "text",
                    FieldType::Text => "textarea",
                    FieldType::Number => "number",
                    FieldType::Datetime => "datetime",
                    FieldType::Singlevaluelist => "select",
                    FieldType::Multivaluelist => "checkboxes",
                },
                required: f.required,
                value: picked.first().map_or("", |v| v).to_string(),
                choices: f
                    .values
                    .iter()
                    .map(|c| ChoiceView {
                        key: c.key.clone(),
                        name: c.name_in(lang.code()).to_string(),
                        selected: picked.contains(&c.key.as_str()),
                    })
                    .collect(),
                error: errors.iter().find(|(id, _)| id == &name).map(|(_, m)| m.clone()),
                name,
            }
        })
        .collect();
    let here: axum::http::Uri = format!("/report/{}", service.slug)
        .parse()
        .unwrap_or_else(|_| axum::http::Uri::from_static("/report"));
    let body = render(&FormPage {
        p: public(state, lang, &here),
        service,
        values,
        errors,
        fields,
        token: token.clone(),
        suggestions,
        suggest_url,
    });
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{FORM_COOKIE}={token}; Path=/report; HttpOnly; SameSite=Strict; Max-Age=86400{secure}");
    (status, [(header::SET_COOKIE, cookie)], body).into_response()
}

async fn form(State(state): State<AppState>, lang: Lang, Path(slug): Path<String>) -> Response {
    match service(&state, &slug).await {
        Ok(s) => {
            let suggested = crate::help::suggestions(&state, lang, &slug, "", None).await;
            page(&state, lang, StatusCode::OK, s, Entered::default(), suggested)
        }
        Err(r) => r,
    }
}

/// What the browser sent.
#[derive(Default)]
pub(crate) struct Sent {
    pub(crate) values: BTreeMap<String, String>,
    /// The service's questions: (code, value), repeated for checkboxes.
    pub(crate) answers: Vec<(String, String)>,
    pub(crate) photo: Option<(String, Vec<u8>)>,
    pub(crate) too_large: bool,
}

/// Reads and discards the rest of a form, keeping memory flat.
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut f)) = multipart.next_field().await {
        while let Ok(Some(_)) = f.chunk().await {}
    }
}

/// Reads a multipart form with at most one `photo` (see [`photo::MAX_PHOTO_BYTES`]).
pub(crate) async fn read_form(mut multipart: Multipart) -> Result<Sent, String> {
    let mut sent = Sent::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                sent.too_large = true;
                break;
            }
            Err(e) => return Err(e.body_text()),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > photo::MAX_PHOTO_BYTES {
                            sent.too_large = true;
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        sent.too_large = true;
                        break;
                    }
                    Err(e) => return Err(e.body_text()),
                }
            }
            if sent.too_large {
                while let Ok(Some(_)) = field.chunk().await {}
                drop(field);
                drain(&mut multipart).await;
                break;
            }
            if !bytes.is_empty() {
                sent.photo = Some((filename, bytes));
            }
            continue;
        }
        let text = match field.text().await {
            Ok(t) => t,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                sent.too_large = true;
                break;
            }
            Err(e) => return Err(e.body_text()),
        };
        if let Some(code) = name.strip_prefix("f_") {
            sent.answers.push((code.to_string(), text));
        } else {
            sent.values.insert(name, text);
        }
    }
    Ok(sent)
}

/// Whether the request comes from a page of ours: the cookie matches the form's token
/// and any `Origin` names this host.
fn same_site(headers: &HeaderMap, token: &str) -> bool {
    let cookie = crate::auth::cookie(headers, FORM_COOKIE);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, rest)| rest == h)),
    };
    origin_ok && token.len() == 32 && cookie == Some(token)
}

#[tracing::instrument(skip_all, fields(service = %slug))]
async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let service = match service(&state, &slug).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let sent = match read_form(multipart).await {
        Ok(s) => s,
        Err(why) => {
            tracing::info!(%why, "unreadable form");
            return (
                StatusCode::BAD_REQUEST,
                "The form could not be read. Go back and try again.",
            )
                .into_response();
        }
    };
    let lang = form_lang(sent.values.get("lang").map(String::as_str), lang);
    let values = sent.values.clone();
    let answers = sent.answers.clone();
    let typed = sent.values.get("description").map_or("", String::as_str);
    let suggested = crate::help::suggestions(&state, lang, &service.slug, typed, None).await;
    let back = |status: StatusCode, errors: Vec<(String, String)>| {
        tracing::info!(%status, fields = ?errors.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), "form refused");
        let entered = Entered {
            values: values.clone(),
            multi: &answers,
            errors,
        };
        page(&state, lang, status, service.clone(), entered, suggested.clone())
    };
    if sent.too_large {
        return back(
            StatusCode::PAYLOAD_TOO_LARGE,
            vec![("photo".into(), t(lang, "The photo must be smaller than 10 MB").into())],
        );
    }
    let token = sent.values.get("csrf_token").map_or("", String::as_str);
    if !same_site(&headers, token) {
        return back(
            StatusCode::FORBIDDEN,
            vec![(
                "description".into(),
                t(lang, "This form has expired. Check your answers and send it again").into(),
            )],
        );
    }
    let get = |k: &str| sent.values.get(k).map_or("", |v| v.trim());
    let mut errors: Vec<(String, String)> = Vec::new();
    let name = get("name").replace(['<', '>', '"'], "");
    if name.chars().count() > 200 {
        errors.push((
            "name".into(),
            t(lang, "Your name must be 200 characters or fewer").into(),
        ));
    }
    let (email, phone) = (get("email"), get("phone"));
    let mut from = None;
    if !email.is_empty() {
        match Identity::email(email) {
            Ok(i) => from = Some(i.value),
            Err(_) => errors.push((
                "email".into(),
                t(
                    lang,
                    "Enter an email address in the correct format, like name@example.com",
                )
                .into(),
            )),
        }
    }
    if !phone.is_empty() {
        match Identity::phone(phone) {
            Ok(i) => {
                from.get_or_insert(i.value);
            }
            Err(_) => errors.push((
                "phone".into(),
                t(lang, "Enter a telephone number, like 01632 960 001 or 07700 900 982").into(),
            )),
        }
    }
    if email.is_empty() && phone.is_empty() {
        errors.push((
            "email".into(),
            t(
                lang,
                "Enter your email address or phone number, so we can tell you what happens",
            )
            .into(),
        ));
    }
    let postcode = match get("postcode") {
        "" => None,
        raw => match Postcode::parse(raw) {
            Ok(p) => Some(p.to_string()),
            Err(_) => {
                errors.push(("postcode".into(), t(lang, "Enter a real postcode, like DS1 4AB").into()));
                None
            }
        },
    };
    let location = Some(get("location").to_string()).filter(|l| !l.is_empty());
    if location.as_ref().is_some_and(|l| l.chars().count() > 500) {
        errors.push((
            "location".into(),
            t(lang, "Where it is must be 500 characters or fewer").into(),
        ));
    }
    let description = get("description").to_string();
    if description.is_empty() {
        errors.push((
            "description".into(),
            t(lang, "Tell us what you want to report or ask").into(),
        ));
    } else if description.len() > state.settings().limits.max_body_bytes {
        errors.push(("description".into(), t(lang, "Your message is too long").into()));
    }
    let answers = match check_answers(&service.fields, &sent.answers, |code| format!("f_{code}")) {
        Ok(a) => a,
        Err(e) => {
            for f in e.errors {
                let label = service
                    .fields
                    .iter()
                    .find(|x| format!("f_{}", x.code) == f.field)
                    .map_or(String::new(), |x| x.description.clone());
                let message = if f.reason.starts_with("is required") {
                    tf(lang, "Answer: {label}", &[("label", &label)])
                } else {
                    format!("{label}: {}", f.reason)
                };
                errors.push((f.field, message));
            }
            Vec::new()
        }
    };
    let mut files = Vec::new();
    if let Some((given, bytes)) = sent.photo {
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
    // Errors in the order the fields appear on the page.
    let order = |id: &str| match id {
        "name" => 0,
        "email" => 1,
        "phone" => 2,
        "postcode" => 3,
        "location" => 4,
        "description" => 5,
        "photo" => 100,
        _ => 50,
    };
    errors.sort_by_key(|(id, _)| order(id));
    let Some(from) = from.filter(|_| errors.is_empty()) else {
        return back(StatusCode::BAD_REQUEST, errors);
    };
    let subject = match (&postcode, &location) {
        (Some(p), _) => format!("{}: {p}", service.name),
        (None, Some(l)) => format!("{}: {}", service.name, l.chars().take(80).collect::<String>()),
        (None, None) => service.name.clone(),
    };
    let fingerprint = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (k, v) in sent.values.iter().chain(sent.answers.iter().map(|(k, v)| (k, v))) {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
        hex::encode(&h.finalize()[..16])
    };
    let input = ContactInput {
        channel: "web_form".into(),
        from: if name.is_empty() {
            from
        } else {
            format!("{name} <{from}>")
        },
        subject: Some(subject),
        body: description,
        external_id: Some(format!("form:{fingerprint}")),
        service: Some(service.slug.clone()),
        kind: Some("request".into()),
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
    let contact = match NewContact::validate(input, jiff::Timestamp::now(), &state.settings().limits) {
        Ok(c) => c,
        Err(e) => {
            let errors = e
                .errors
                .into_iter()
                .map(|f| {
                    let id = if f.field.starts_with("attachments") {
                        "photo"
                    } else {
                        "description"
                    };
                    (id.to_string(), format!("{}: {}", f.field, f.reason))
                })
                .collect();
            return back(StatusCode::BAD_REQUEST, errors);
        }
    };
    let report = NewReport {
        token: new_token(),
        postcode,
        address: location,
        attributes: answers,
        ..Default::default()
    };
    let outcome = match take_in(&state, contact, &files, Some(&report), &[]).await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(status = %e.status, detail = ?e.detail, "form intake failed");
            return back(
                e.status,
                vec![(
                    "description".into(),
                    t(
                        lang,
                        "Sorry, your report could not be saved. Try again in a few minutes",
                    )
                    .into(),
                )],
            );
        }
    };
    // The visit sent a report: the answers it was shown did not end it.
    if let Err(e) = state.store().form_visit_sent(token).await {
        tracing::warn!(error = %e, "form visit not counted");
    }
    // Every later message to them is written in the language they used here.
    if let Err(e) = state
        .store()
        .set_customer_language(outcome.customer_id, lang.code())
        .await
    {
        tracing::error!(error = %e, "language not stored");
    }
    // A member of the public, not a signed-in user: recorded as `public`.
    let detail = serde_json::json!({"channel": "web_form", "via": "report form", "created": outcome.created,
                                    "case_created": outcome.case_created, "customer_created": outcome.customer_created});
    let audited = state
        .audit_as(
            None,
            "public",
            crate::audit::Action::CONTACT_CREATE,
            crate::audit::Subject::intake(&outcome),
            detail,
        )
        .await;
    if let Err(e) = audited {
        return back(
            e.status,
            vec![(
                "description".into(),
                t(
                    lang,
                    "Sorry, your report could not be saved. Try again in a few minutes",
                )
                .into(),
            )],
        );
    }
    let receipt = if outcome.created {
        report.token
    } else {
        // Sent twice (a double click): the first one's receipt.
        match state
            .store()
            .report_for_contact(outcome.contact_id, &state.settings().reference_prefix)
            .await
        {
            Ok(Some(first)) => first.report.token,
            _ => report.token,
        }
    };
    tracing::info!(reference = %outcome.case_reference, created = outcome.created, "web form report");
    Redirect::to(&format!("/report/receipt/{receipt}")).into_response()
}

#[derive(Template)]
#[template(path = "report_receipt.html")]
struct ReceiptPage {
    p: Public,
    reference: String,
    /// "We have passed your report to …".
    passed: String,
    service_slug: String,
    /// A signed link to follow the case at `/track`.
    track: String,
}

/// The acknowledgement: the case reference, from the receipt token in the address.
async fn receipt(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(token): Path<String>,
) -> Response {
    let filter = ReportFilter {
        token: Some(token),
        limit: 1,
        ..Default::default()
    };
    match state.store().reports(&filter, &state.settings().reference_prefix).await {
        Ok(found) => match found.into_iter().next() {
            Some(r) => match crate::track::link_for(&state, &r.reference).await {
                Ok(track) => render(&ReceiptPage {
                    p: public(&state, lang, &uri),
                    passed: tf(
                        lang,
                        "We have passed your report to {service}. Quote your reference {reference} if you contact us about it.",
                        &[
                            ("service", &receipt_service_name(&state, &r, lang).await),
                            ("reference", &r.reference.to_string()),
                        ],
                    ),
                    reference: r.reference.to_string(),
                    service_slug: r.service,
                    track: format!("{track}&lang={lang}"),
                }),
                Err(e) => {
                    tracing::error!(error = %e, "tracking link failed");
                    (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be shown").into_response()
                }
            },
            None => (StatusCode::NOT_FOUND, "There is no such receipt.").into_response(),
        },
        Err(e) => {
            tracing::error!(error = %e, "receipt lookup failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be shown").into_response()
        }
    }
}

/// The report's service as the resident reads it (its Welsh name when they read Welsh).
async fn receipt_service_name(state: &AppState, r: &heard_store::reports::ReportRecord, lang: Lang) -> String {
    match state.service_definitions().await {
        Ok(all) => all
            .iter()
            .find(|s| s.slug == r.service)
            .map_or_else(|| r.service_name.clone(), |s| s.name_in(lang.code()).to_string()),
        Err(_) => r.service_name.clone(),
    }
}
