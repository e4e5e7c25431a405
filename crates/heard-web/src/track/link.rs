//! Signed tracking links and keyed code hashes.
//!
//! A link is `/track/HRD-000123?key=EXPIRES.MAC`: the MAC (HMAC-SHA-256 under the
//! site's `track` key, cut to 128 bits) covers the reference and the expiry, so a link
//! opens one case until it expires and cannot be bent to another case or a later date.
//! Nothing is stored per link, so any node checks any link.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;

/// How long a link in an acknowledgement or update lasts: long enough to follow a case
/// from report to closure and the survey after it.
pub(crate) const LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 180);
/// How long the link given after a code is entered lasts: one visit.
pub(crate) const VISIT_LIFETIME: SignedDuration = SignedDuration::from_hours(2);

fn mac(key: &[u8], parts: &[&str]) -> Hmac<Sha256> {
    // A key of any length is accepted by HMAC; this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    for p in parts {
        m.update(p.as_bytes());
        m.update(&[0]);
    }
    m
}

/// The `key` value for a link to `reference` that works until `now + lifetime`.
pub(crate) fn sign(key: &[u8], reference: &str, now: Timestamp, lifetime: SignedDuration) -> String {
    let expires = (now + lifetime).as_second();
    let tag = mac(key, &["track-link", reference, &expires.to_string()])
        .finalize()
        .into_bytes();
    format!("{expires}.{}", hex::encode(&tag[..16]))
}

/// Whether `token` is a live link key for `reference` at `now`.
pub(crate) fn verify(key: &[u8], reference: &str, token: &str, now: Timestamp) -> bool {
    let Some((expires, tag)) = token.split_once('.') else {
        return false;
    };
    let (Ok(expires_at), Ok(tag)) = (expires.parse::<i64>(), hex::decode(tag)) else {
        return false;
    };
    if tag.len() != 16 || expires_at <= now.as_second() {
        return false;
    }
    // `verify_truncated_left` compares in constant time.
    mac(key, &["track-link", reference, expires])
        .verify_truncated_left(&tag)
        .is_ok()
}

/// The stored form of a one-time code: keyed, so a copy of the database alone does not
/// give the codes away by trying all million of them.
pub(crate) fn code_hash(key: &[u8], reference: &str, identity: &str, code: &str) -> String {
    hex::encode(
        mac(key, &["track-code", reference, identity, code])
            .finalize()
            .into_bytes(),
    )
}

/// A fresh six-digit code.
pub(crate) fn new_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_link_opens_its_case_until_it_expires() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let k = sign(KEY, "HRD-000123", now, VISIT_LIFETIME);
        assert!(verify(KEY, "HRD-000123", &k, now));
        assert!(verify(KEY, "HRD-000123", &k, now + SignedDuration::from_mins(119)));
        assert!(!verify(KEY, "HRD-000123", &k, now + SignedDuration::from_mins(121)));
        // Another case, another key, a moved expiry or a damaged tag: refused.
        assert!(!verify(KEY, "HRD-000124", &k, now));
        assert!(!verify(b"another key", "HRD-000123", &k, now));
        let (exp, tag) = k.split_once('.').unwrap();
        let later = format!("{}.{tag}", exp.parse::<i64>().unwrap() + 3600);
        assert!(!verify(KEY, "HRD-000123", &later, now));
        assert!(!verify(KEY, "HRD-000123", &format!("{exp}.{}", &tag[..30]), now));
        for junk in ["", ".", "abc", "1.zz", "99999999999.00"] {
            assert!(!verify(KEY, "HRD-000123", junk, now));
        }
    }

    #[test]
    fn codes_are_six_digits_and_hashed_per_case_and_address() {
        let c = new_code();
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        let h = code_hash(KEY, "HRD-000123", "a@example.org", "123456");
        assert_eq!(h, code_hash(KEY, "HRD-000123", "a@example.org", "123456"));
        assert_ne!(h, code_hash(KEY, "HRD-000124", "a@example.org", "123456"));
        assert_ne!(h, code_hash(KEY, "HRD-000123", "b@example.org", "123456"));
    }
}
