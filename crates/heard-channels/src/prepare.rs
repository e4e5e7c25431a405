//! What every channel does to a contact before intake, written once: card numbers go
//! (before anything is stored, indexed or logged), then the values in the text are read
//! so nobody types them again. The web API and email import both call these.

use heard_core::NewContact;
use heard_store::intake::NewEntity;
use heard_understand::extract::Extractor;

/// Redacts payment card details from every text field of a contact; returns how many
/// pieces were removed.
pub fn redact_contact(contact: &mut NewContact) -> usize {
    use heard_understand::redact::redact_in_place;
    let mut removed = redact_in_place(&mut contact.body);
    if let Some(s) = contact.subject.as_mut() {
        removed += redact_in_place(s);
    }
    if let Some(h) = contact.body_html.as_mut() {
        removed += redact_in_place(h);
    }
    removed
}

/// Reads values (postcodes, references, dates…) from the redacted subject and body.
/// Dates without a year are placed nearest `today`.
pub fn read_values(extractor: &Extractor, contact: &NewContact, today: jiff::civil::Date) -> Vec<NewEntity> {
    let mut out = Vec::new();
    for (field, text) in [
        ("subject", contact.subject.as_deref().unwrap_or("")),
        ("body", contact.body.as_str()),
    ] {
        for e in extractor.extract_as_of(text, Some(today)) {
            out.push(NewEntity {
                field: field.into(),
                kind: e.kind,
                value: e.value,
                start: e.start as i64,
                end: e.end as i64,
                confidence: f64::from(e.confidence),
                sensitive: e.sensitive,
            });
        }
    }
    out
}

/// Today in UTC, for [`read_values`].
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}
