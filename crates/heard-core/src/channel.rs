//! Channels: the ways a contact reaches the council or leaves it.

use crate::vocabulary;

vocabulary! {
    /// How a contact travelled. A reply leaves by the channel the customer used.
    Channel {
        Email => "email",
        Facebook => "facebook",
        Instagram => "instagram",
        X => "x",
        WebForm => "web_form",
        Open311 => "open311",
        Phone => "phone",
        Sms => "sms",
        /// A contact created by another system through the REST API.
        Api => "api",
        ServiceDesk => "service_desk",
        Letter => "letter",
        Visit => "visit",
    }
}

vocabulary! {
    /// Whether a contact came in from a customer or went out to one.
    Direction {
        Inbound => "inbound",
        Outbound => "outbound",
    }
}

impl Channel {
    /// Social channels identify senders by a handle scoped to the platform.
    pub fn is_social(self) -> bool {
        matches!(self, Channel::Facebook | Channel::Instagram | Channel::X)
    }
}
