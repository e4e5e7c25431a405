//! Staff users and what their roles allow.

use crate::{Identity, vocabulary};

vocabulary! {
    /// A staff role. Roles decide what a user may do; services decide what they may see.
    Role {
        Agent => "agent",
        TeamManager => "team_manager",
        /// Works cases of their own services only.
        BackOffice => "back_office",
        Admin => "admin",
        /// Reads everything, changes nothing.
        Auditor => "auditor",
    }
}

impl Role {
    /// Whether the role may create or change contacts, customers and cases.
    pub fn can_write(self) -> bool {
        self != Role::Auditor
    }

    /// Whether the role sees every service, or only the ones the user is given.
    pub fn sees_all_services(self) -> bool {
        self != Role::BackOffice
    }

    /// Whether the role sees sensitive personal identifiers (NI numbers) unmasked.
    pub fn sees_sensitive(self) -> bool {
        self != Role::Auditor
    }

    /// Whether the role may manage users, tokens and configuration.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }
}

/// A staff sign-in address: an email address, normalised.
pub type UserEmail = Identity;

/// Failed sign-ins in a row an account may have before it is locked.
pub const FAILED_SIGN_INS_BEFORE_LOCK: u32 = 5;

/// How long an account is locked after `failures` failed sign-ins in a row: nothing
/// below [`FAILED_SIGN_INS_BEFORE_LOCK`], then 15 minutes, doubling with each further
/// failure up to a day — long enough to stop guessing, short enough that a person who
/// forgot their password is not shut out for good.
pub fn lockout_after(failures: u32) -> Option<jiff::SignedDuration> {
    let over = failures.checked_sub(FAILED_SIGN_INS_BEFORE_LOCK)?;
    let minutes = 15i64.saturating_mul(1i64 << over.min(16));
    Some(jiff::SignedDuration::from_mins(minutes.min(24 * 60)))
}

#[cfg(test)]
mod lockout_tests {
    use super::*;

    #[test]
    fn locks_after_five_failures_for_longer_each_time_up_to_a_day() {
        assert_eq!(lockout_after(4), None);
        assert_eq!(lockout_after(5), Some(jiff::SignedDuration::from_mins(15)));
        assert_eq!(lockout_after(6), Some(jiff::SignedDuration::from_mins(30)));
        assert_eq!(lockout_after(50), Some(jiff::SignedDuration::from_hours(24)));
    }
}
