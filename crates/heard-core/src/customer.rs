//! Customers: people and organisations the council deals with, and where they live.

use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// A customer is a person or an organisation; a person may act for an organisation.
    CustomerKind {
        Person => "person",
        Organisation => "organisation",
    }
}

vocabulary! {
    /// What sort of organisation, so a letting agent's email reads differently from a resident's.
    OrganisationKind {
        Landlord => "landlord",
        LettingAgent => "letting_agent",
        HousingAssociation => "housing_association",
        Supplier => "supplier",
        Business => "business",
        Charity => "charity",
        OtherCouncil => "other_council",
        NationalBody => "national_body",
        InternalDepartment => "internal_department",
    }
}

vocabulary! {
    /// How a person relates to an organisation.
    MemberRole {
        /// Works for the organisation (an employee of a housing association).
        Member => "member",
        /// Acts on the organisation's behalf (a letting agent for a landlord).
        ActsFor => "acts_for",
    }
}

/// A UK postcode, normalised to upper case with one space (`SW1A 1AA`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Validates the shape of a UK postcode (outward code + inward code `9AA`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let n = compact.len();
        if !(5..=7).contains(&n) || !compact.is_ascii() {
            return Err(format!("`{raw}` is not a UK postcode"));
        }
        let (outward, inward) = compact.split_at(n - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        // Outward shapes: A9, A99, AA9, AA99, A9A, AA9A.
        let shape: String = outward
            .bytes()
            .map(|b| {
                if b.is_ascii_digit() {
                    '9'
                } else if b.is_ascii_alphabetic() {
                    'A'
                } else {
                    '?'
                }
            })
            .collect();
        let outward_ok = matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A");
        if inward_ok && outward_ok {
            Ok(Postcode(format!("{outward} {inward}")))
        } else {
            Err(format!("`{raw}` is not a UK postcode"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Postcode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Postcode::parse(&s)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Unique Property Reference Number: up to 12 digits, identifying one addressable place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Uprn(i64);

impl Uprn {
    pub fn new(n: i64) -> Result<Self, String> {
        if (1..=999_999_999_999).contains(&n) {
            Ok(Uprn(n))
        } else {
            Err(format!("{n} is not a UPRN (1 to 12 digits)"))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Uprn {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        Uprn::new(n)
    }
}

impl From<Uprn> for i64 {
    fn from(u: Uprn) -> i64 {
        u.0
    }
}

/// A postal address. Lines are free text; the postcode is validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub town: String,
    pub postcode: Postcode,
    #[serde(default)]
    pub uprn: Option<Uprn>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes() {
        for (raw, want) in [
            ("sw1a1aa", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("b33 8th", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            (" w1a 0ax ", "W1A 0AX"),
        ] {
            assert_eq!(Postcode::parse(raw).unwrap().as_str(), want);
        }
        for bad in ["", "SW1A", "12345", "SW1A 1A1", "HRD-000123", "AAA1 1AA"] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uprns() {
        assert!(Uprn::new(100023336956).is_ok());
        assert!(Uprn::new(0).is_err());
        assert!(Uprn::new(1_000_000_000_000).is_err());
    }
}
