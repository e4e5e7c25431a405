//! Parsing and recognising messages, on fixture messages written for these tests
//! (`tests/fixtures/`) and on hostile ones built here.

use heard_channels::email::contact::{self, UNKNOWN_SENDER};
use heard_channels::email::parse::looks_like_message;
use heard_channels::email::{Classification, EmailLimits, ParsedEmail, classify, html};
use heard_core::contact::{ContactLimits, NewContact};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn parse(name: &str) -> ParsedEmail {
    ParsedEmail::parse(&fixture(name), &EmailLimits::default())
}

fn own() -> Vec<String> {
    ["revsbens@council.example", "highways@council.example"]
        .map(String::from)
        .to_vec()
}

/// The contact a parsed message becomes must pass intake's own validation.
fn validates(m: &ParsedEmail, raw_len: usize) -> NewContact {
    let limits = ContactLimits::default();
    let input = contact::to_input(m, "x@y", jiff::Timestamp::now(), None, raw_len, &limits);
    NewContact::validate(
        input,
        jiff::Timestamp::now(),
        &contact::validation_limits(&limits, 64 << 20),
    )
    .expect("an email contact always validates")
}

#[test]
fn plain_message() {
    let m = parse("plain.eml");
    assert_eq!(m.message_id.as_deref(), Some("plain-1@example.org"));
    assert_eq!(m.from, Some((Some("Jo Bloggs".into()), "jo@example.org".into())));
    assert_eq!(m.subject.as_deref(), Some("Council tax for 12 Wharf Road"));
    assert!(m.recipients.contains(&"revsbens@council.example".to_string()));
    assert!(m.text.contains("DE1 1AA"));
    assert_eq!(m.date.map(|d| d.as_second()), Some(1_793_610_900));
    assert_eq!(classify(&m, &own()), Classification::Person);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn encoded_headers_and_legacy_charsets() {
    let m = parse("encoded.eml");
    assert_eq!(m.from.as_ref().and_then(|f| f.0.as_deref()), Some("Zöe André"));
    assert_eq!(m.subject.as_deref(), Some("Certificat de naissance à remplacer"));
    assert!(
        m.text.contains("copie à la mairie, s'il vous plaît. Coût: €20"),
        "{}",
        m.text
    );
}

#[test]
fn nested_multiparts_inline_images_attachments_and_invites() {
    let m = parse("nested.eml");
    assert!(
        m.text.starts_with("There is a deep pothole outside 4 Castle Street."),
        "{}",
        m.text
    );
    assert!(
        m.text.contains("Invitation: Site meeting at Castle Street"),
        "{}",
        m.text
    );
    assert!(m.text.contains("Starts: 20261110T100000Z"));
    assert!(m.html.as_deref().is_some_and(|h| h.contains("<b>4 Castle Street</b>")));
    let names: Vec<_> = m
        .parts
        .iter()
        .map(|p| (p.filename.as_str(), p.content_type.as_str(), p.inline))
        .collect();
    assert!(names.contains(&("pothole.png", "image/png", true)), "{names:?}");
    assert!(names.contains(&("report.pdf", "application/pdf", false)), "{names:?}");
    assert!(names.contains(&("invite.ics", "text/calendar", false)), "{names:?}");
    let png = m.parts.iter().find(|p| p.filename == "pothole.png").unwrap();
    assert!(png.bytes.starts_with(b"\x89PNG"));
    assert_eq!(png.content_id.as_deref(), Some("photo1@example.org"));
    let safe = html::sanitise(m.html.as_deref().unwrap(), false);
    assert!(safe.contains("cid:photo1@example.org") && !safe.contains("tracker.example") && !safe.contains("script"));
    validates(&m, 1500);
}

#[test]
fn malformed_mime_is_still_read_and_kept() {
    let raw = fixture("malformed.eml");
    assert!(looks_like_message(&raw));
    let m = ParsedEmail::parse(&raw, &EmailLimits::default());
    assert_eq!(m.subject.as_deref(), Some("Bin not collected"));
    assert_eq!(m.from, None);
    assert_eq!(m.date, None);
    let c = validates(&m, raw.len());
    assert_eq!(c.sender.identity.value, UNKNOWN_SENDER);
}

#[test]
fn absurd_header_lines() {
    let subject = format!("Help {}urgent", "really ".repeat(20_000));
    let folded: String = (0..3000).map(|i| format!("\r\n\tcontinued line {i}")).collect();
    let raw = format!(
        "From: Pat <pat@example.org>\r\nSubject: {subject}\r\nX-Weird: {}\r\nX-Folded: one{folded}\r\n\
         Message-ID: <{}@example.org>\r\n\r\nShort body.\r\n",
        "a".repeat(200_000),
        "m".repeat(400)
    );
    let m = ParsedEmail::parse(raw.as_bytes(), &EmailLimits::default());
    assert!(m.text.contains("Short body."));
    let c = validates(&m, raw.len());
    assert_eq!(c.subject.as_ref().map(|s| s.chars().count()), Some(998));
    // A 400-character Message-ID is too long to be an external id: the digest stands in.
    assert!(contact::external_id(&m, "abc").starts_with("sha256:"));
}

#[test]
fn huge_attachments_stay_in_the_raw_message() {
    let big = "QUFB".repeat(600_000); // 2.4 MB of base64
    let raw = format!(
        "From: a@example.org\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/zip\r\n\
         Content-Disposition: attachment; filename=\"bomb.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n--b--\r\n"
    );
    let limits = EmailLimits {
        max_attachment_bytes: 1 << 20,
        ..Default::default()
    };
    let m = ParsedEmail::parse(raw.as_bytes(), &limits);
    assert!(m.parts.is_empty());
    assert!(
        m.problems.iter().any(|p| p.contains("bomb.zip") && p.contains("limit")),
        "{:?}",
        m.problems
    );
    validates(&m, raw.len());
}

#[test]
fn not_a_message() {
    assert!(!looks_like_message(&fixture("not-a-message.txt")));
    assert!(!looks_like_message(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    assert!(looks_like_message(&fixture("plain.eml")));
}

#[test]
fn auto_replies_bounces_and_loops() {
    assert!(matches!(
        classify(&parse("autoreply.eml"), &own()),
        Classification::AutoReply { .. }
    ));
    assert!(
        matches!(classify(&parse("ooo.eml"), &own()), Classification::AutoReply { reason } if reason.contains("X-Auto-Response-Suppress"))
    );
    match classify(&parse("bounce-dsn.eml"), &own()) {
        Classification::Bounce { failed, .. } => assert_eq!(failed, ["jo@example.org"]),
        other => panic!("{other:?}"),
    }
    let precedence = ParsedEmail::parse(
        b"From: a@b.example\r\nPrecedence: bulk\r\nSubject: News\r\n\r\nx",
        &EmailLimits::default(),
    );
    assert!(matches!(
        classify(&precedence, &own()),
        Classification::AutoReply { .. }
    ));
    let ours = ParsedEmail::parse(
        b"From: x@y.example\r\nX-Heard-Loop: HRD\r\nSubject: Re\r\n\r\nx",
        &EmailLimits::default(),
    );
    assert!(matches!(classify(&ours, &own()), Classification::Loop { .. }));
    let from_self = ParsedEmail::parse(
        b"From: revsbens@council.example\r\nSubject: Hi\r\n\r\nx",
        &EmailLimits::default(),
    );
    assert!(matches!(classify(&from_self, &own()), Classification::Loop { .. }));
    let person = ParsedEmail::parse(
        b"From: a@b.example\r\nAuto-Submitted: no\r\nSubject: Out of hours bins\r\n\r\nx",
        &EmailLimits::default(),
    );
    assert_eq!(classify(&person, &own()), Classification::Person);
}

#[test]
fn threading_keys() {
    let m = ParsedEmail::parse(
        b"From: a@b.example\r\nIn-Reply-To: <c@x>\r\nReferences: <a@x> <b@x>\r\n <c@x>\r\nSubject: Re\r\n\r\nx",
        &EmailLimits::default(),
    );
    assert_eq!(m.thread_ids, ["c@x", "b@x", "a@x"]);
}
