//! Times as council staff read them: wall-clock time in London (GMT or BST), whatever
//! the server's own time zone. Stored times are UTC instants; pages show them through
//! [`London::london`].

use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::sync::LazyLock;

static LONDON: LazyLock<TimeZone> = LazyLock::new(|| TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC));

/// London's time zone (GMT or BST), for formatting by hand.
pub(crate) fn london_tz() -> TimeZone {
    LONDON.clone()
}

/// Formats an instant in London time; templates call it as `t.london("%-d %b %Y")`.
pub(crate) trait London {
    fn london(&self, format: &str) -> String;
}

impl London for Timestamp {
    fn london(&self, format: &str) -> String {
        self.to_zoned(LONDON.clone()).strftime(format).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summer_times_are_shown_in_bst() {
        let t: Timestamp = "2026-07-01T08:30:00Z".parse().unwrap();
        assert_eq!(t.london("%H:%M"), "09:30");
        let t: Timestamp = "2026-12-01T08:30:00Z".parse().unwrap();
        assert_eq!(t.london("%H:%M"), "08:30");
    }
}
