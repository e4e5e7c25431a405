//! Failure demand: contacts that exist only because something went wrong earlier — chasing
//! progress, repeating what was already said, correcting the council's mistake. The share
//! of failure demand, by service and channel, is the number a council works to reduce.
//!
//! Rules first (what a systems-thinking review would mark by hand); learned signals can be
//! added behind the same [`Demand`] answer.

use crate::text::words;

/// Why a contact is failure demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// "Still waiting", "any update?", "third time I've called".
    Chasing,
    /// Another contact on the same case within days, not a reply to us.
    Repeat,
    /// "You've got it wrong", "I was charged twice", "not what I asked for".
    Correction,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Chasing => "chasing progress",
            Cause::Repeat => "repeat contact",
            Cause::Correction => "correcting a mistake",
        }
    }
}

/// What heard knows about a contact besides its words.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Days since the previous inbound contact on the same case, if there was one.
    pub days_since_previous_on_case: Option<i64>,
}

/// A repeat within this many days counts as failure demand.
pub const REPEAT_DAYS: i64 = 14;

const CHASING: &[&[&str]] = &[
    &["still", "waiting"],
    &["still", "not"],
    &["still", "no"],
    &["any", "update"],
    &["heard", "nothing"],
    &["not", "heard", "back"],
    &["no", "one", "has"],
    &["nobody", "has"],
    &["chasing"],
    &["third", "time"],
    &["second", "time"],
    &["again", "and", "again"],
    &["how", "much", "longer"],
    &["when", "will", "someone"],
    &["promised", "to"],
    &["was", "told", "would"],
    &["never", "called", "back"],
    &["never", "came"],
];

const CORRECTION: &[&[&str]] = &[
    &["charged", "twice"],
    &["paid", "twice"],
    &["wrong", "address"],
    &["wrong", "amount"],
    &["wrong", "name"],
    &["not", "what", "i", "asked"],
    &["you", "have", "made", "a", "mistake"],
    &["youve", "made", "a", "mistake"],
    &["made", "an", "error"],
    &["is", "incorrect"],
    &["are", "incorrect"],
    &["already", "paid"],
    &["already", "told"],
    &["already", "sent"],
];

fn contains_phrase(ws: &[String], phrase: &[&str]) -> bool {
    ws.windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
}

/// Failure demand causes of a contact (empty: value demand).
pub fn classify(text: &str, context: Context) -> Vec<Cause> {
    let ws = words(text);
    let mut causes = Vec::new();
    if CHASING.iter().any(|p| contains_phrase(&ws, p)) {
        causes.push(Cause::Chasing);
    }
    if CORRECTION.iter().any(|p| contains_phrase(&ws, p)) {
        causes.push(Cause::Correction);
    }
    if context
        .days_since_previous_on_case
        .is_some_and(|d| (0..=REPEAT_DAYS).contains(&d))
    {
        causes.push(Cause::Repeat);
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chasing_and_corrections_are_failure_demand() {
        let none = Context::default();
        assert_eq!(
            classify("I am still waiting for the bin I was promised", none),
            [Cause::Chasing]
        );
        assert_eq!(
            classify("This is the third time I've called about this", none),
            [Cause::Chasing]
        );
        assert_eq!(classify("You charged me twice for March", none), vec![] as Vec<Cause>);
        assert_eq!(classify("I was charged twice for March", none), [Cause::Correction]);
        assert_eq!(
            classify("Please report a pothole on Wharf Road", none),
            vec![] as Vec<Cause>
        );
        let repeat = Context {
            days_since_previous_on_case: Some(3),
        };
        assert_eq!(classify("Pothole is deeper now", repeat), [Cause::Repeat]);
        let later = Context {
            days_since_previous_on_case: Some(60),
        };
        assert!(classify("New pothole", later).is_empty());
    }
}
