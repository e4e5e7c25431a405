//! Parsing with mail-parser into the few things heard needs. Never fails on a message:
//! what cannot be read is listed in [`ParsedEmail::problems`] and the raw bytes are kept
//! by the caller, so a message is never dropped for being malformed.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};

/// Limits on one message, so a hostile one cannot exhaust memory or disk.
#[derive(Debug, Clone, Copy)]
pub struct EmailLimits {
    /// A larger message is refused whole (before it is parsed).
    pub max_message_bytes: usize,
    /// A larger attachment is not stored separately; it stays inside the raw message.
    pub max_attachment_bytes: usize,
    /// More attachments than this are left inside the raw message.
    pub max_attachments: usize,
}

impl Default for EmailLimits {
    fn default() -> Self {
        EmailLimits {
            max_message_bytes: 64 << 20,
            max_attachment_bytes: 25 << 20,
            max_attachments: 20,
        }
    }
}

/// A file carried by a message: an attachment, an inline image, a calendar invite, a
/// forwarded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown within the HTML body (`cid:`), not offered as a download.
    pub inline: bool,
    pub content_id: Option<String>,
}

/// What heard reads from a message.
#[derive(Debug, Clone, Default)]
pub struct ParsedEmail {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To, then References newest first, without brackets or repeats.
    pub thread_ids: Vec<String>,
    /// (display name, address) of From, else Sender, else Reply-To.
    pub from: Option<(Option<String>, String)>,
    /// Every recipient address (To, Cc, Delivered-To, X-Original-To), lower-cased.
    pub recipients: Vec<String>,
    pub subject: Option<String>,
    /// The Date header, when it parses.
    pub date: Option<jiff::Timestamp>,
    /// Plain text: the text parts, else text read from the HTML.
    pub text: String,
    /// The HTML body as sent (sanitise before display: [`super::html`]).
    pub html: Option<String>,
    pub parts: Vec<Part>,
    /// Header names (lower-case) and values used to recognise automatic mail.
    pub headers: Vec<(String, String)>,
    /// The `message/delivery-status` part of a report (RFC 3464), as text.
    pub delivery_status: Option<String>,
    /// `Content-Type: multipart/report; report-type=…`
    pub report_type: Option<String>,
    /// Things that could not be read; the raw message holds them.
    pub problems: Vec<String>,
}

/// Header names kept in [`ParsedEmail::headers`].
const KEPT_HEADERS: &[&str] = &[
    "auto-submitted",
    "precedence",
    "x-auto-response-suppress",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-auto-reply",
    "x-loop",
    "x-heard-loop",
    "list-id",
    "return-path",
    "x-failed-recipients",
];

/// Whether `raw` looks like an email message at all: a header block with at least one
/// of the headers every message has. Anything else (a photo, a spreadsheet) is rejected.
pub fn looks_like_message(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    let mut seen = false;
    for line in head.lines().take(2000) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) || line.starts_with("From ") {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "from" | "to" | "subject" | "date" | "message-id" | "received" | "mime-version" | "return-path"
        ) {
            seen = true;
        }
    }
    seen
}

impl ParsedEmail {
    /// Reads `raw`. Parts over `limits` are noted in `problems` and left in the raw message.
    pub fn parse(raw: &[u8], limits: &EmailLimits) -> ParsedEmail {
        let mut out = ParsedEmail::default();
        let Some(msg) = MessageParser::default().parse(raw) else {
            out.problems.push("the message could not be parsed as MIME".into());
            out.text = String::from_utf8_lossy(raw).into_owned();
            return out;
        };
        out.message_id = msg.message_id().map(clean_id).filter(|s| !s.is_empty());
        let mut ids = ids_of(msg.in_reply_to());
        let mut refs = ids_of(msg.references());
        refs.reverse();
        ids.extend(refs);
        let mut seen = std::collections::HashSet::new();
        out.thread_ids = ids.into_iter().filter(|i| seen.insert(i.clone())).collect();
        out.from = [msg.from(), msg.sender(), msg.reply_to()]
            .into_iter()
            .flatten()
            .find_map(first_addr);
        for a in [msg.to(), msg.cc()].into_iter().flatten() {
            out.recipients.extend(addrs(a));
        }
        out.subject = msg.subject().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        out.date = msg
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| jiff::Timestamp::from_second(d.to_timestamp()).ok());
        for (name, value) in msg.headers_raw() {
            let lower = name.to_ascii_lowercase();
            if lower == "delivered-to" || lower == "x-original-to" {
                out.recipients.push(clean_id(value).to_lowercase());
            } else if KEPT_HEADERS.contains(&lower.as_str()) {
                out.headers.push((lower, value.trim().chars().take(998).collect()));
            }
        }
        out.recipients.sort();
        out.recipients.dedup();
        if let Some(ct) = msg.root_part().content_type()
            && ct.c_type.eq_ignore_ascii_case("multipart")
            && ct
                .c_subtype
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        {
            out.report_type = ct.attribute("report-type").map(str::to_ascii_lowercase);
        }
        out.read_bodies(&msg);
        out.read_parts(&msg, limits);
        if msg.parts.iter().any(|p| p.is_encoding_problem) {
            out.problems
                .push("a part's encoding is damaged; read as far as possible".into());
        }
        out
    }

    fn read_bodies(&mut self, msg: &mail_parser::Message<'_>) {
        let mut texts = Vec::new();
        for (i, part) in msg.text_bodies().enumerate() {
            if part.is_content_type("text", "calendar") {
                continue;
            }
            if let Some(t) = msg.body_text(i) {
                texts.push(t.into_owned());
            }
        }
        self.text = texts.join("\n\n");
        if let Some(h) = msg.html_bodies().find_map(|p| match &p.body {
            PartType::Html(h) => Some(h.to_string()),
            _ => None,
        }) {
            self.html = Some(h);
        }
        for part in &msg.parts {
            if part.is_content_type("message", "delivery-status")
                || part.is_content_type("message", "global-delivery-status")
            {
                self.delivery_status = Some(String::from_utf8_lossy(part.contents()).into_owned());
            }
        }
    }

    fn read_parts(&mut self, msg: &mail_parser::Message<'_>, limits: &EmailLimits) {
        let body_parts: Vec<u32> = msg.text_body.iter().chain(&msg.html_body).copied().collect();
        for (id, part) in msg.parts.iter().enumerate() {
            let is_calendar = part.is_content_type("text", "calendar");
            let attachment = msg.attachments.contains(&(id as u32));
            if !is_calendar && (!attachment || body_parts.contains(&(id as u32))) {
                continue;
            }
            if matches!(part.body, PartType::Multipart(_)) {
                continue;
            }
            if part.is_content_type("message", "delivery-status") {
                continue;
            }
            let content_type = part
                .content_type()
                .map(|ct| match ct.c_subtype.as_deref() {
                    Some(sub) => format!("{}/{}", ct.c_type, sub),
                    None => ct.c_type.to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let filename = part
                .attachment_name()
                .map(safe_filename)
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| default_name(&content_type, self.parts.len()));
            let bytes = part.contents();
            if self.parts.len() >= limits.max_attachments {
                self.problems.push(format!(
                    "`{filename}` not stored separately: more than {} attachments",
                    limits.max_attachments
                ));
                continue;
            }
            if bytes.len() > limits.max_attachment_bytes {
                self.problems.push(format!(
                    "`{filename}` ({} bytes) is larger than the {}-byte attachment limit; it stays in the original message",
                    bytes.len(),
                    limits.max_attachment_bytes
                ));
                continue;
            }
            if is_calendar {
                let summary = calendar_summary(&String::from_utf8_lossy(bytes));
                if !summary.is_empty() {
                    if !self.text.is_empty() {
                        self.text.push_str("\n\n");
                    }
                    self.text.push_str(&summary);
                }
            }
            let inline = matches!(part.body, PartType::InlineBinary(_))
                || part.content_disposition().is_some_and(|d| d.is_inline());
            self.parts.push(Part {
                filename,
                content_type,
                bytes: bytes.to_vec(),
                inline,
                content_id: part.content_id().map(clean_id),
            });
        }
    }

    /// The value of a kept header (see `KEPT_HEADERS`), lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `<abc@host>` → `abc@host`.
pub fn clean_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn ids_of(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t.split_whitespace().map(clean_id).filter(|s| !s.is_empty()).collect(),
        HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).filter(|s| !s.is_empty()).collect(),
        _ => Vec::new(),
    }
}

fn first_addr(a: &Address<'_>) -> Option<(Option<String>, String)> {
    a.iter().find_map(|x| {
        let addr = x.address()?.trim();
        addr.contains('@').then(|| {
            (
                x.name().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
                addr.to_string(),
            )
        })
    })
}

fn addrs(a: &Address<'_>) -> Vec<String> {
    a.iter()
        .filter_map(|x| x.address().map(|s| s.trim().to_lowercase()))
        .collect()
}

/// A file name without paths or control characters, at most 255 bytes.
pub fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = base.chars().filter(|c| !c.is_control()).collect();
    if s == "." || s == ".." {
        s.clear();
    }
    while s.len() > 255 {
        s.pop();
    }
    s.trim().to_string()
}

fn default_name(content_type: &str, n: usize) -> String {
    let ext = match content_type {
        "text/calendar" => "ics",
        "message/rfc822" => "eml",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        _ => "bin",
    };
    if content_type == "text/calendar" {
        "invite.ics".into()
    } else {
        format!("part-{}.{ext}", n + 1)
    }
}

/// "Invitation: SUMMARY, DTSTART…" from an iCalendar part, so the invite is readable in
/// the contact's text; the .ics itself is kept as an attachment.
fn calendar_summary(ics: &str) -> String {
    let mut fields = Vec::new();
    for line in ics.lines() {
        for (key, label) in [
            ("SUMMARY", "Invitation"),
            ("DTSTART", "Starts"),
            ("DTEND", "Ends"),
            ("LOCATION", "Location"),
            ("ORGANIZER", "Organiser"),
        ] {
            if let Some(rest) = line.strip_prefix(key)
                && let Some((_, value)) = rest.split_once(':')
                && (rest.starts_with(':') || rest.starts_with(';'))
                && !fields.iter().any(|(l, _): &(&str, String)| *l == label)
            {
                fields.push((label, value.trim().trim_start_matches("mailto:").to_string()));
            }
        }
    }
    fields
        .into_iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
