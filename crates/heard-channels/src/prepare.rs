//! What every channel does to a contact before intake, written once: card numbers go
//! (before anything is stored, indexed or logged), then the values in the text are read
//! so nobody types them again, and the signals an agent acts on are marked: dissatisfaction
//! (offer a complaint), whether it needs action, a safeguarding worry. The web API and
//! email import both call these.

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

/// Signals are stored with the values read, as entities of these kinds: the spans are the
/// cues ("still waiting"), the confidence the signal's probability.
pub mod signal_kinds {
    /// One row per cue, when the contact reads as dissatisfied; the value is the cue's label.
    pub const DISSATISFIED: &str = "dissatisfied";
    /// One row per inbound contact: `yes` or `no`, its confidence the probability of `yes`.
    pub const ACTIONABLE: &str = "actionable";
    /// One row per cue of a safeguarding worry (always actionable).
    pub const SAFEGUARDING: &str = "safeguarding";
    /// Whether an entity kind is a signal rather than a value read from the text.
    pub fn is_signal(kind: &str) -> bool {
        [DISSATISFIED, ACTIONABLE, SAFEGUARDING].contains(&kind)
    }
}

/// Reads values (postcodes, references, dates…) from the redacted subject and body, and
/// marks an inbound contact's signals (see [`signal_kinds`]). Dates without a year are
/// placed nearest `today`.
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
    if contact.direction == heard_core::Direction::Inbound {
        mark_signals(contact, &mut out);
    }
    out
}

fn mark_signals(contact: &NewContact, out: &mut Vec<NewEntity>) {
    use heard_understand::signals::{Cue, Field, assess};
    let s = assess(contact.subject.as_deref(), &contact.body);
    let cue = |kind: &str, c: &Cue, p: f32| NewEntity {
        field: match c.field {
            Field::Subject => "subject",
            Field::Text => "body",
        }
        .into(),
        kind: kind.into(),
        value: c.label.into(),
        start: c.start as i64,
        end: c.end as i64,
        confidence: f64::from(p),
        sensitive: false,
    };
    if s.dissatisfied.is_on() {
        let p = s.dissatisfied.probability;
        out.extend(
            s.dissatisfied
                .cues
                .iter()
                .map(|c| cue(signal_kinds::DISSATISFIED, c, p)),
        );
    }
    if s.safeguarding {
        let p = s.actionable.probability;
        let before = out.len();
        out.extend(
            s.actionable
                .cues
                .iter()
                .filter(|c| c.label == "safeguarding")
                .map(|c| cue(signal_kinds::SAFEGUARDING, c, p)),
        );
        if out.len() == before {
            // The worry is marked even when its cue was not among the strongest shown.
            let whole = Cue {
                field: Field::Text,
                start: 0,
                end: 0,
                label: "safeguarding",
            };
            out.push(cue(signal_kinds::SAFEGUARDING, &whole, p));
        }
    }
    let first = s.actionable.cues.first();
    out.push(NewEntity {
        field: match first.map(|c| c.field) {
            Some(Field::Subject) => "subject",
            _ => "body",
        }
        .into(),
        kind: signal_kinds::ACTIONABLE.into(),
        value: if s.actionable.is_on() { "yes" } else { "no" }.into(),
        start: first.map_or(0, |c| c.start as i64),
        end: first.map_or(0, |c| c.end as i64),
        confidence: f64::from(s.actionable.probability),
        sensitive: false,
    });
}

/// Today in UTC, for [`read_values`].
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
mod signal_tests {
    use super::*;
    use heard_core::contact::{ContactInput, ContactLimits};

    fn contact(direction: &str, body: &str) -> NewContact {
        NewContact::validate(
            ContactInput {
                channel: "email".into(),
                direction: Some(direction.into()),
                from: "someone@example.com".into(),
                body: body.into(),
                ..Default::default()
            },
            jiff::Timestamp::now(),
            &ContactLimits::default(),
        )
        .expect("valid")
    }

    #[test]
    fn inbound_contacts_carry_their_signals_with_cue_spans() {
        let extractor = Extractor::new(&Default::default()).expect("extractor");
        let body = "Third time I have asked. Nobody has got back to me and I am still waiting.";
        let read = read_values(&extractor, &contact("inbound", body), today());
        let dissatisfied: Vec<&NewEntity> = read.iter().filter(|e| e.kind == signal_kinds::DISSATISFIED).collect();
        assert!(!dissatisfied.is_empty(), "{read:?}");
        for e in &dissatisfied {
            assert!(
                body.get(e.start as usize..e.end as usize)
                    .is_some_and(|p| !p.is_empty()),
                "{e:?}"
            );
        }
        assert_eq!(read.iter().filter(|e| e.kind == signal_kinds::ACTIONABLE).count(), 1);

        // The council's own replies are not assessed.
        let ours = read_values(&extractor, &contact("outbound", body), today());
        assert!(!ours.iter().any(|e| signal_kinds::is_signal(&e.kind)), "{ours:?}");
    }
}
