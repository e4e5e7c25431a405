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
