//! Identities: how heard recognises a customer across channels (an email address,
//! a phone number, a social handle). Values are normalised on construction so the
//! same person typed two ways is one identity.

use crate::{Channel, vocabulary};
use serde::Serialize;

vocabulary! {
    /// What kind of address an identity is; social handles are scoped to their platform.
    IdentityKind {
        Email => "email",
        Phone => "phone",
        Facebook => "facebook",
        Instagram => "instagram",
        X => "x",
    }
}

/// A normalised identity. Two identities are the same customer iff they are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

/// The sender as written (`Jane Smith <jane@example.org>`), split into identity and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub identity: Identity,
    pub display_name: Option<String>,
}

impl Identity {
    /// An email address: trimmed, lower-cased, with one `@`, a dotted domain, no spaces.
    pub fn email(raw: &str) -> Result<Self, String> {
        let v = raw.trim().to_lowercase();
        if v.is_empty() {
            return Err("is empty".into());
        }
        if v.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        let Some((local, domain)) = v.split_once('@') else {
            return Err(format!("`{raw}` is not an email address (no @)"));
        };
        let bad = |s: &str| {
            s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"@()[]\\".contains(c))
        };
        if local.is_empty() || bad(local) {
            return Err(format!("`{raw}` has an invalid part before the @"));
        }
        if !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || bad(domain)
        {
            return Err(format!("`{raw}` has an invalid domain"));
        }
        Ok(Identity {
            kind: IdentityKind::Email,
            value: v,
        })
    }

    /// A phone number normalised to E.164. UK national forms (`01632 960 001`,
    /// `07700 900123`) become `+44…`; other countries must be given with `+`.
    pub fn phone(raw: &str) -> Result<Self, String> {
        let mut digits = String::new();
        let trimmed = raw.trim();
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(format!("`{raw}` is not a phone number")),
            }
        }
        let international = trimmed.starts_with('+') || trimmed.starts_with("00");
        let e164 = if let Some(rest) = digits.strip_prefix("00").filter(|_| !trimmed.starts_with('+')) {
            rest.to_string()
        } else if international {
            digits
        } else if let Some(national) = digits.strip_prefix('0') {
            if !(9..=10).contains(&national.len()) {
                return Err(format!("`{raw}` is not a UK phone number (wrong length)"));
            }
            format!("44{national}")
        } else if digits.starts_with("44") && (11..=12).contains(&digits.len()) {
            digits
        } else {
            return Err(format!(
                "`{raw}` is not a phone number (give UK numbers from 0, others with +)"
            ));
        };
        let e164 = match e164.strip_prefix("440") {
            // "+44 (0)20 …" is common in signatures: drop the trunk zero.
            Some(rest) => format!("44{rest}"),
            None => e164,
        };
        if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err(format!("`{raw}` is not a phone number (wrong length)"));
        }
        Ok(Identity {
            kind: IdentityKind::Phone,
            value: format!("+{e164}"),
        })
    }

    /// A social handle on one platform: lower-cased, without a leading `@`.
    pub fn social(kind: IdentityKind, raw: &str) -> Result<Self, String> {
        let v = raw.trim().trim_start_matches('@').to_lowercase();
        if v.is_empty() {
            return Err("is empty".into());
        }
        if v.len() > 100 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("`{raw}` is not a {kind} handle"));
        }
        Ok(Identity { kind, value: v })
    }

    /// Any identity by kind.
    pub fn new(kind: IdentityKind, raw: &str) -> Result<Self, String> {
        match kind {
            IdentityKind::Email => Self::email(raw),
            IdentityKind::Phone => Self::phone(raw),
            social => Self::social(social, raw),
        }
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            IdentityKind::Email | IdentityKind::Phone => f.write_str(&self.value),
            k => write!(f, "{k}:@{}", self.value),
        }
    }
}

impl Sender {
    /// Reads the sender of a contact on `channel`. Social channels take a handle;
    /// phone and SMS a number; the rest an email address or, failing that, a number.
    pub fn parse(channel: Channel, raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        let (name, addr) = split_display_name(raw);
        let identity = match channel {
            Channel::Facebook => Identity::social(IdentityKind::Facebook, addr)?,
            Channel::Instagram => Identity::social(IdentityKind::Instagram, addr)?,
            Channel::X => Identity::social(IdentityKind::X, addr)?,
            Channel::Phone | Channel::Sms => Identity::phone(addr).or_else(|e| Identity::email(addr).map_err(|_| e))?,
            _ if addr.contains('@') => Identity::email(addr)?,
            _ => {
                Identity::phone(addr).map_err(|_| format!("`{raw}` is neither an email address nor a phone number"))?
            }
        };
        Ok(Sender {
            identity,
            display_name: name,
        })
    }
}

/// `Jane Smith <jane@example.org>` → (`Some("Jane Smith")`, `jane@example.org`).
fn split_display_name(raw: &str) -> (Option<String>, &str) {
    if let (Some(open), true) = (raw.rfind('<'), raw.ends_with('>')) {
        let name = raw[..open].trim().trim_matches('"').trim();
        let addr = raw[open + 1..raw.len() - 1].trim();
        let name = (!name.is_empty()).then(|| name.to_string());
        return (name, addr);
    }
    (None, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_normalise_and_reject() {
        assert_eq!(Identity::email(" Jane@Example.ORG ").unwrap().value, "jane@example.org");
        for bad in ["", "jane", "jane@", "@x.org", "jane@localhost", "ja ne@x.org", "a@b..c"] {
            assert!(Identity::email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uk_phone_numbers_become_e164() {
        for (raw, want) in [
            ("07700 900123", "+447700900123"),
            ("+44 7700 900123", "+447700900123"),
            ("+44 (0)20 7946 0018", "+442079460018"),
            ("0044 20 7946 0018", "+442079460018"),
            ("01632-960-001", "+441632960001"),
            ("447700900123", "+447700900123"),
            ("+1 202 555 0143", "+12025550143"),
        ] {
            assert_eq!(Identity::phone(raw).unwrap().value, want, "{raw}");
        }
        for bad in ["", "123", "07700 9001", "phone me", "0770090012345"] {
            assert!(Identity::phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sender_by_channel() {
        let s = Sender::parse(Channel::Email, "\"Jane Smith\" <Jane@Example.org>").unwrap();
        assert_eq!(s.display_name.as_deref(), Some("Jane Smith"));
        assert_eq!(s.identity, Identity::email("jane@example.org").unwrap());
        let f = Sender::parse(Channel::Facebook, "@Pothole.Spotter").unwrap();
        assert_eq!(f.identity.kind, IdentityKind::Facebook);
        assert_eq!(f.identity.value, "pothole.spotter");
        let p = Sender::parse(Channel::Phone, "07700 900123").unwrap();
        assert_eq!(p.identity.kind, IdentityKind::Phone);
        assert!(Sender::parse(Channel::Api, "nobody").is_err());
    }
}
