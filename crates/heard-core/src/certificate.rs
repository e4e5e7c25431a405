//! Registrar certificate orders: a copy of a birth, marriage, civil partnership or death
//! entry, ordered by a resident (often on a call), paid for by link, then posted. The order
//! says which certificate, whose, when and where the event was, how many copies and where
//! they go; the fee comes from the council's prices, never typed by hand.

use crate::error::Checker;
use crate::{Invalid, vocabulary};
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

/// The most copies one order takes (a larger order is a conversation, not a form).
pub const MAX_COPIES: u32 = 10;
/// The longest text kept in one field of an order.
pub const MAX_TEXT: usize = 500;
/// Civil registration began in England and Wales on 1 July 1837.
pub const FIRST_REGISTRATION: Date = date(1837, 7, 1);
/// Civil partnerships could be formed from 5 December 2005 (Northern Ireland; England and
/// Wales and Scotland followed that month).
pub const FIRST_CIVIL_PARTNERSHIP: Date = date(2005, 12, 5);
/// A certified copy from a local register office, in pence, when the council sets none.
pub const DEFAULT_PRICE_PENCE: u32 = 1250;

vocabulary! {
    /// Which register the copy comes from.
    CertificateType {
        Birth => "birth",
        Marriage => "marriage",
        CivilPartnership => "civil_partnership",
        Death => "death",
    }
}

impl CertificateType {
    /// In words, for pages and messages.
    pub fn label(self) -> &'static str {
        match self {
            CertificateType::Birth => "Birth certificate",
            CertificateType::Marriage => "Marriage certificate",
            CertificateType::CivilPartnership => "Civil partnership certificate",
            CertificateType::Death => "Death certificate",
        }
    }

    /// The word a resident uses, as the understanding step reads it ("birth", "death"…).
    pub fn from_word(word: &str) -> Option<CertificateType> {
        match word.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "birth" => Some(CertificateType::Birth),
            "marriage" => Some(CertificateType::Marriage),
            "civil_partnership" | "partnership" => Some(CertificateType::CivilPartnership),
            "death" => Some(CertificateType::Death),
            _ => None,
        }
    }
}

/// The council's prices per copy, in pence (`[certificates]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Prices {
    pub birth_pence: u32,
    pub marriage_pence: u32,
    pub civil_partnership_pence: u32,
    pub death_pence: u32,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            birth_pence: DEFAULT_PRICE_PENCE,
            marriage_pence: DEFAULT_PRICE_PENCE,
            civil_partnership_pence: DEFAULT_PRICE_PENCE,
            death_pence: DEFAULT_PRICE_PENCE,
        }
    }
}

impl Prices {
    /// One copy of `t`.
    pub fn per_copy(&self, t: CertificateType) -> u32 {
        match t {
            CertificateType::Birth => self.birth_pence,
            CertificateType::Marriage => self.marriage_pence,
            CertificateType::CivilPartnership => self.civil_partnership_pence,
            CertificateType::Death => self.death_pence,
        }
    }

    /// Each price is between 1p and £1,000; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        for (field, p) in [
            ("birth_pence", self.birth_pence),
            ("marriage_pence", self.marriage_pence),
            ("civil_partnership_pence", self.civil_partnership_pence),
            ("death_pence", self.death_pence),
        ] {
            if !(1..=100_000).contains(&p) {
                return Err(format!(
                    "certificates.{field}: must be between 1 and 100000 pence (got {p})"
                ));
            }
        }
        Ok(())
    }
}

/// An order as typed, checked by [`CertificateOrder::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateOrder {
    pub certificate: CertificateType,
    /// The names on the entry ("Oliver James Walker"; "John Smith and Mary Brown").
    pub names: String,
    pub event_on: Date,
    /// Where the event was registered or took place (district, town).
    pub event_place: String,
    pub copies: u32,
    pub delivery_address: String,
}

impl CertificateOrder {
    /// Checks every field against `today`; all errors at once, each naming its field.
    pub fn new(
        certificate: Option<CertificateType>,
        names: &str,
        event_on: Option<Date>,
        event_place: &str,
        copies: Option<u32>,
        delivery_address: &str,
        today: Date,
    ) -> Result<CertificateOrder, Invalid> {
        let mut c = Checker::new();
        if certificate.is_none() {
            c.fail("certificate", "choose which certificate");
        }
        text(&mut c, "names", names, "give the names on the certificate");
        match event_on {
            None => c.fail("event_on", "enter the date of the event, like 2019-05-12"),
            Some(d) if d > today => c.fail("event_on", "the event cannot be in the future"),
            Some(d) if d < FIRST_REGISTRATION => c.fail(
                "event_on",
                "civil registration began on 1 July 1837; older records are with the archives",
            ),
            Some(d) if certificate == Some(CertificateType::CivilPartnership) && d < FIRST_CIVIL_PARTNERSHIP => {
                c.fail("event_on", "civil partnerships began in December 2005")
            }
            _ => {}
        }
        text(&mut c, "event_place", event_place, "say where the event was registered");
        match copies {
            Some(n) if (1..=MAX_COPIES).contains(&n) => {}
            _ => c.fail("copies", format!("order between 1 and {MAX_COPIES} copies")),
        }
        text(
            &mut c,
            "delivery_address",
            delivery_address,
            "give the address to post the certificates to",
        );
        c.finish()?;
        Ok(CertificateOrder {
            certificate: certificate.unwrap_or(CertificateType::Birth),
            names: names.trim().to_string(),
            event_on: event_on.unwrap_or(today),
            event_place: event_place.trim().to_string(),
            copies: copies.unwrap_or(1),
            delivery_address: delivery_address.trim().to_string(),
        })
    }

    /// The fee in pence: the council's price per copy times the copies.
    pub fn fee_pence(&self, prices: &Prices) -> u32 {
        prices.per_copy(self.certificate) * self.copies
    }
}

fn text(c: &mut Checker, field: &str, value: &str, missing: &str) {
    let v = value.trim();
    if v.is_empty() {
        c.fail(field, missing);
    } else if v.chars().count() > MAX_TEXT {
        c.fail(field, format!("at most {MAX_TEXT} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = date(2026, 11, 23);

    fn order(t: CertificateType, on: Date, copies: u32) -> Result<CertificateOrder, Invalid> {
        CertificateOrder::new(
            Some(t),
            "Oliver James Walker",
            Some(on),
            "Cheltenham",
            Some(copies),
            "12 Elm Road, Cheltenham GL50 1AA",
            TODAY,
        )
    }

    #[test]
    fn the_fee_comes_from_the_prices() {
        let o = order(CertificateType::Birth, date(2019, 5, 12), 3).unwrap();
        assert_eq!(o.fee_pence(&Prices::default()), 3750);
        let prices = Prices {
            death_pence: 1100,
            ..Prices::default()
        };
        let o = order(CertificateType::Death, date(2026, 1, 2), 2).unwrap();
        assert_eq!(o.fee_pence(&prices), 2200);
    }

    #[test]
    fn impossible_orders_name_every_field() {
        let e = CertificateOrder::new(None, " ", None, "", Some(0), "", TODAY).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "certificate",
                "names",
                "event_on",
                "event_place",
                "copies",
                "delivery_address"
            ]
        );
        let future = order(CertificateType::Birth, date(2027, 1, 1), 1).unwrap_err();
        assert!(future.errors[0].reason.contains("future"));
        let victorian = order(CertificateType::Marriage, date(1837, 6, 30), 1).unwrap_err();
        assert!(victorian.errors[0].reason.contains("1837"));
        assert!(order(CertificateType::Marriage, date(1837, 7, 1), 1).is_ok());
        let early = order(CertificateType::CivilPartnership, date(2004, 6, 1), 1).unwrap_err();
        assert!(early.errors[0].reason.contains("2005"));
        assert!(order(CertificateType::Birth, date(2019, 5, 12), MAX_COPIES + 1).is_err());
    }

    #[test]
    fn words_and_prices() {
        assert_eq!(
            CertificateType::from_word("Civil partnership"),
            Some(CertificateType::CivilPartnership)
        );
        assert_eq!(CertificateType::from_word("death"), Some(CertificateType::Death));
        assert_eq!(CertificateType::from_word("adoption"), None);
        assert!(Prices::default().validate().is_ok());
        let e = Prices {
            birth_pence: 0,
            ..Prices::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.starts_with("certificates.birth_pence"), "{e}");
    }
}
