//! Comparison levels: for each field, how closely two prepared records agree. The model
//! turns each level into a weight; the levels themselves are fixed rules written here.

use super::normalise::{Prepared, gendered_pair, nickname_groups};
use serde::{Deserialize, Serialize};
use strsim::{jaro_winkler, levenshtein};

/// The fields compared, in the order of [`Levels::levels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    GivenName,
    Surname,
    DateOfBirth,
    Address,
    Postcode,
    Locality,
    OtherAddress,
    Email,
    Phone,
}

/// Number of compared fields.
pub const FIELDS: usize = 9;

impl Field {
    pub const ALL: [Field; FIELDS] = [
        Field::GivenName,
        Field::Surname,
        Field::DateOfBirth,
        Field::Address,
        Field::Postcode,
        Field::Locality,
        Field::OtherAddress,
        Field::Email,
        Field::Phone,
    ];

    /// The field's name as shown to people and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::Surname => "surname",
            Field::DateOfBirth => "date_of_birth",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::Locality => "locality",
            Field::OtherAddress => "other_address",
            Field::Email => "email",
            Field::Phone => "phone",
        }
    }

    /// Level descriptions; level 0 is always "missing" (one side or both empty).
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName => &[
                "missing",
                "same",
                "nickname or middle name",
                "typo",
                "initial agrees",
                "similar",
                "different",
            ],
            Field::Surname => &["missing", "same", "typo", "partly the same", "different"],
            Field::DateOfBirth => &["missing", "same", "one slip", "two slips", "different"],
            Field::Address => &[
                "missing",
                "same premises",
                "same premises, flat on one side only",
                "same building, different flat",
                "similar premises",
                "same street, different number",
                "different",
            ],
            Field::Postcode => &["missing", "same", "typo or same sector", "same district", "different"],
            Field::Locality | Field::OtherAddress => &["missing", "same", "similar", "different"],
            Field::Email => &["missing", "same", "same name, other domain", "different"],
            Field::Phone => &["missing", "same", "one digit off", "different"],
        }
    }

    /// The level that says "these are different people" when both sides are present.
    pub fn conflict_level(self) -> Option<u8> {
        match self {
            Field::GivenName => Some(6),
            Field::DateOfBirth => Some(4),
            _ => None,
        }
    }
}

/// The comparison levels of one pair of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Levels {
    pub levels: [u8; FIELDS],
    /// Given name and surname matched the other way round.
    pub swapped: bool,
    /// Both records carry a generational suffix and they differ ("Jr" and "Sr").
    pub suffix_conflict: bool,
    /// Exactly one record carries a suffix: its household has two people of this name, so
    /// a shared given name no longer tells one customer from one household.
    pub suffix_one_side: bool,
}

impl Levels {
    /// Jr against Sr: two people whatever else agrees.
    pub fn conflict(&self) -> bool {
        self.suffix_conflict
    }
}

fn edit_close(a: &str, b: &str, edits: usize) -> bool {
    a.len().abs_diff(b.len()) <= edits && levenshtein(a, b) <= edits
}

/// Given names, straight (no swap handling).
pub fn given_level(a: &Prepared, b: &Prepared) -> u8 {
    let (x, y) = (a.name.given.as_str(), b.name.given.as_str());
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    if x == y {
        return 1;
    }
    if x.len() == 1 || y.len() == 1 {
        // An initial: agrees with the first letter (of either side's initials).
        let (short, long) = if x.len() == 1 { (a, b) } else { (b, a) };
        let agrees = long.initials.starts_with(&short.initials) || short.initials.starts_with(&long.initials);
        // The initial's own email may spell the name out: "M" of matthew_38@… is not Mary.
        let (e, g) = (short.email_given.as_str(), long.name.given.as_str());
        let spelled_alike = e.is_empty()
            || g.len() <= 1
            || e.starts_with(g)
            || g.starts_with(e)
            || jaro_winkler(e, g) >= 0.92
            || long.name.middle.iter().any(|m| m == e)
            || nickname_groups(e).iter().any(|n| long.nick.contains(n));
        return if agrees && spelled_alike { 4 } else { 6 };
    }
    // A space slipped into the name ("Porti A" for Portia, "Mary Ann" for Maryann).
    let joined = |p: &Prepared, other: &str| {
        p.name
            .middle
            .first()
            .is_some_and(|m| other.len() == p.name.given.len() + m.len() && other == format!("{}{m}", p.name.given))
    };
    if joined(a, y) || joined(b, x) {
        return 3;
    }
    if gendered_pair(x, y) {
        return 6;
    }
    if a.nick.iter().any(|g| b.nick.contains(g))
        || b.name.middle.iter().any(|m| m == x)
        || a.name.middle.iter().any(|m| m == y)
    {
        return 2;
    }
    let jw = jaro_winkler(x, y);
    if jw >= 0.92 || (x.len() >= 4 && edit_close(x, y, 1)) {
        return 3;
    }
    if jw >= 0.8 || edit_close(x, y, 2) || (x.len() >= 3 && y.starts_with(x)) || (y.len() >= 3 && x.starts_with(y)) {
        return 5;
    }
    6
}

/// Surnames, straight.
pub fn surname_level(a: &Prepared, b: &Prepared) -> u8 {
    let (x, y) = (a.name.surname.as_str(), b.name.surname.as_str());
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    if x == y {
        return 1;
    }
    let jw = jaro_winkler(x, y);
    if jw >= 0.92 || edit_close(x, y, 1) {
        return 2;
    }
    let shared_word = a.name.surname_words.len() + b.name.surname_words.len() > 2
        && a.name
            .surname_words
            .iter()
            .any(|w| w.len() > 2 && b.name.surname_words.contains(w));
    if shared_word || jw >= 0.84 || edit_close(x, y, 2) {
        return 3;
    }
    4
}

/// Surname-like agreement of two name words: 1 same, 2 typo, 9 otherwise (0 missing).
fn swapped_surname(x: &str, y: &str) -> u8 {
    if x.is_empty() || y.is_empty() {
        0
    } else if x == y {
        1
    } else if x.len().min(y.len()) >= 3 && (jaro_winkler(x, y) >= 0.92 || edit_close(x, y, 1)) {
        2
    } else {
        9
    }
}

/// Given-name-like agreement of two name words, in given-name levels: 1 same, 2 nickname,
/// 3 typo, 4 initial, 6 different (9 for initials that differ, 0 missing). A swapped record is as often written with a
/// nickname or an initial as any other ("Foster, R" for Rob Foster).
fn swapped_given(x: &str, y: &str) -> u8 {
    match swapped_surname(x, y) {
        0 => 0,
        1 => 1,
        2 => 3,
        _ if x.len() == 1 || y.len() == 1 => {
            if x.as_bytes()[0] == y.as_bytes()[0] {
                4
            } else {
                9
            }
        }
        _ => {
            let gx = nickname_groups(x);
            if !gx.is_empty() && nickname_groups(y).iter().any(|g| gx.contains(g)) {
                2
            } else {
                6
            }
        }
    }
}

/// Given name and surname compared crosswise, as (given level, surname level): one crosswise
/// pair must agree as surnames do (either way round, as it is not known which record was
/// swapped); the other is then compared as given names are, and may differ ("Lodge, Adele"
/// against "Gillian Lodge" is a surname agreeing and a given name not); (9, 9) when
/// neither way works.
fn given_as_surname(a: &Prepared, b: &Prepared) -> (u8, u8) {
    let (ag, asur, bg, bsur) = (&a.name.given, &a.name.surname, &b.name.given, &b.name.surname);
    let mut best = (9, 9);
    for (sx, sy, gx, gy) in [(ag, bsur, asur, bg), (asur, bg, ag, bsur)] {
        let s = swapped_surname(sx, sy);
        if !(1..=2).contains(&s) {
            continue;
        }
        let g = swapped_given(gx, gy);
        if matches!(g, 1..=4 | 6) && swap_rank(g) + s < swap_rank(best.0) + best.1 {
            best = (g, s);
        }
    }
    best
}

/// How good a given-name level is, for choosing between straight and swapped readings.
fn swap_rank(l: u8) -> u8 {
    match l {
        1 => 1,
        2 | 3 => 2,
        0 | 4 => 3,
        _ => 4,
    }
}

fn dob_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 1;
    }
    if a.len() == 8 && b.len() == 8 {
        // Day and month swapped (US order).
        if a[..4] == b[..4] && a[4..6] == b[6..8] && a[6..8] == b[4..6] {
            return 2;
        }
        let diff = a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count();
        if diff == 1 {
            return 2;
        }
        let transposed = diff == 2 && {
            let i: Vec<usize> = (0..8).filter(|&k| a.as_bytes()[k] != b.as_bytes()[k]).collect();
            i[1] == i[0] + 1 && a.as_bytes()[i[0]] == b.as_bytes()[i[1]] && a.as_bytes()[i[1]] == b.as_bytes()[i[0]]
        };
        if transposed {
            return 2;
        }
        if diff == 2 {
            return 3;
        }
        return 4;
    }
    match levenshtein(a, b) {
        1 => 2,
        2 => 3,
        _ => 4,
    }
}

fn address_level(a: &Prepared, b: &Prepared) -> u8 {
    let (x, y) = (&a.address, &b.address);
    if x.street.is_empty() || y.street.is_empty() {
        return 0;
    }
    let street_same = x.street == y.street;
    let street_close = street_same || jaro_winkler(&x.street, &y.street) >= 0.88 || edit_close(&x.street, &y.street, 2);
    let number_same = x.number == y.number;
    if street_same && number_same {
        return match (a.flat_key.is_empty(), b.flat_key.is_empty()) {
            (true, true) => 1,
            (false, false) if a.flat_key == b.flat_key => 1,
            (false, false) => 3,
            _ => 2,
        };
    }
    let number_close = number_same
        || x.number.is_empty()
        || y.number.is_empty()
        || (x.number.len() == y.number.len() && edit_close(&x.number, &y.number, 1))
        // "10" and "100": a digit lost or doubled
        || edit_close(&x.number, &y.number, 1) && x.number.len().min(y.number.len()) >= 2;
    if street_close && number_close {
        if number_same && !a.flat_key.is_empty() && !b.flat_key.is_empty() && a.flat_key != b.flat_key {
            return 3;
        }
        return 4;
    }
    if street_close {
        return 5;
    }
    6
}

fn close_text(x: &str, y: &str) -> bool {
    !x.is_empty() && !y.is_empty() && (x == y || jaro_winkler(x, y) >= 0.88 || edit_close(x, y, 2))
}

/// Address and other-lines levels, allowing for the address lines written in the other
/// order ("6 Nunkeri, Lhotsky Street" for "6 Lhotsky Street, Nunkeri"): exports often
/// swap line 1 and line 2, and the premise is then parsed from the wrong line.
fn address_levels(a: &Prepared, b: &Prepared) -> (u8, u8) {
    let straight = (address_level(a, b), text_level(&a.address.other, &b.address.other));
    let (x, y) = (&a.address, &b.address);
    let numbers_fit = x.number == y.number || x.number.is_empty() || y.number.is_empty();
    if straight.0 < 5 || x.other.is_empty() || y.other.is_empty() || !numbers_fit {
        return straight;
    }
    let (xo, yo) = (x.other.replace(' ', ""), y.other.replace(' ', ""));
    let crossed = |s: &str, o: &str, other_s: &str, other_o: &str| close_text(s, other_o) && close_text(o, other_s);
    if !(crossed(&x.street, &xo, &y.street, &yo)) {
        return straight;
    }
    let exact = x.street == yo && xo == y.street;
    let level = if x.number == y.number && exact {
        match (a.flat_key.is_empty(), b.flat_key.is_empty()) {
            (true, true) => 1,
            (false, false) if a.flat_key == b.flat_key => 1,
            (false, false) => 3,
            _ => 2,
        }
    } else if x.number == y.number || x.number.is_empty() || y.number.is_empty() {
        4
    } else {
        return straight;
    };
    (level, text_level(&xo, &y.street))
}

fn postcode_level(a: &Prepared, b: &Prepared) -> u8 {
    let (x, y) = (&a.postcode, &b.postcode);
    if x.full.is_empty() || y.full.is_empty() {
        return 0;
    }
    if x.full == y.full {
        return 1;
    }
    if (!x.sector.is_empty() && x.sector == y.sector) || edit_close(&x.full, &y.full, 1) {
        return 2;
    }
    if !x.outward.is_empty() && x.outward == y.outward {
        return 3;
    }
    4
}

fn text_level(x: &str, y: &str) -> u8 {
    if x.is_empty() || y.is_empty() {
        0
    } else if x == y {
        1
    } else if jaro_winkler(x, y) >= 0.88 || edit_close(x, y, 2) {
        2
    } else {
        3
    }
}

fn email_level(a: &Prepared, b: &Prepared) -> u8 {
    if a.email.is_empty() || b.email.is_empty() {
        0
    } else if a.email == b.email {
        1
    } else if (a.email_local.len() >= 5 && a.email_local == b.email_local) || edit_close(&a.email, &b.email, 1) {
        2
    } else {
        3
    }
}

fn phone_level(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        0
    } else if a == b {
        1
    } else if a.len() == b.len() && a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count() <= 1 {
        2
    } else {
        3
    }
}

/// Compares two prepared records field by field.
pub fn compare(a: &Prepared, b: &Prepared) -> Levels {
    let mut given = given_level(a, b);
    let mut surname = surname_level(a, b);
    let mut swapped = false;
    if given != 1 || surname != 1 {
        let (g, s) = given_as_surname(a, b);
        // Surname levels rank as given ones do: 1 same, 2 typo, 0 missing, else worse.
        let surname_rank = |l: u8| match l {
            1 => 1,
            2 => 2,
            0 => 3,
            _ => 4,
        };
        if matches!(g, 1..=4 | 6) && (1..=2).contains(&s) && swap_rank(g) + s < swap_rank(given) + surname_rank(surname)
        {
            given = g;
            surname = s;
            swapped = true;
        }
    }
    let suffix_conflict = matches!((a.name.suffix, b.name.suffix), (Some(x), Some(y)) if x != y);
    let suffix_one_side = a.name.suffix.is_some() != b.name.suffix.is_some();
    let (address, other) = address_levels(a, b);
    Levels {
        levels: [
            given,
            surname,
            dob_level(&a.dob, &b.dob),
            address,
            postcode_level(a, b),
            text_level(&a.locality, &b.locality),
            other,
            email_level(a, b),
            phone_level(&a.phone, &b.phone),
        ],
        swapped,
        suffix_conflict,
        suffix_one_side,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Record;
    use super::super::normalise::prepare;
    use super::*;

    fn rec(given: &str, surname: &str, address: &str, postcode: &str, dob: &str) -> Prepared {
        prepare(&Record {
            id: String::new(),
            given_name: given.into(),
            surname: surname.into(),
            address: address.into(),
            postcode: postcode.into(),
            date_of_birth: dob.into(),
            ..Record::default()
        })
    }

    #[test]
    fn given_name_levels() {
        let base = rec("Robert", "Smith", "", "", "");
        assert_eq!(given_level(&base, &rec("robert", "x", "", "", "")), 1);
        assert_eq!(given_level(&base, &rec("Bob", "x", "", "", "")), 2);
        assert_eq!(given_level(&base, &rec("Rbert", "x", "", "", "")), 3);
        assert_eq!(given_level(&base, &rec("R", "x", "", "", "")), 4);
        assert_eq!(given_level(&base, &rec("Susan", "x", "", "", "")), 6);
        assert_eq!(given_level(&base, &rec("", "x", "", "", "")), 0);
        assert_eq!(
            given_level(&rec("Louis", "", "", "", ""), &rec("Louise", "", "", "", "")),
            6
        );
        assert_eq!(given_level(&rec("J", "", "", "", ""), &rec("K", "", "", "", "")), 6);
        let with_email = |g: &str, e: &str| {
            prepare(&Record {
                given_name: g.into(),
                surname: "Nowak".into(),
                email: e.into(),
                ..Record::default()
            })
        };
        let m = with_email("M", "matthew_385@icloud.com");
        assert_eq!(given_level(&m, &rec("Mary", "Nowak", "", "", "")), 6);
        assert_eq!(given_level(&m, &rec("Matt", "Nowak", "", "", "")), 4);
        assert_eq!(given_level(&m, &rec("Matthew", "Nowak", "", "", "")), 4);
    }

    #[test]
    fn swapped_names_agree() {
        let l = compare(&rec("Smith", "John", "", "", ""), &rec("John", "Smith", "", "", ""));
        assert!(l.swapped);
        assert_eq!((l.levels[0], l.levels[1]), (1, 1));
        // Swapped and shortened: a nickname or an initial on the swapped side.
        let l = compare(&rec("Wilson", "Thomas", "", "", ""), &rec("Tom", "Wilson", "", "", ""));
        assert!(l.swapped);
        assert_eq!((l.levels[0], l.levels[1]), (2, 1));
        let l = compare(&rec("Foster", "R", "", "", ""), &rec("Rob", "Foster", "", "", ""));
        assert!(l.swapped);
        assert_eq!((l.levels[0], l.levels[1]), (4, 1));
        // Swapped with the given name replaced: the surnames agree crosswise.
        let l = compare(&rec("Lodge", "Adele", "", "", ""), &rec("Gillian", "Lodge", "", "", ""));
        assert!(l.swapped);
        assert_eq!((l.levels[0], l.levels[1]), (6, 1));
        assert_eq!(
            given_level(
                &rec("Porti A", "Coumans", "", "", ""),
                &rec("Portia", "Coumans", "", "", "")
            ),
            3
        );
        // Straight agreement wins over a crosswise one.
        let l = compare(&rec("Ann", "Ann", "", "", ""), &rec("Ann", "Ann", "", "", ""));
        assert!(!l.swapped);
    }

    #[test]
    fn flats_and_premises() {
        let a = rec("a", "b", "Flat 2, 10 High St", "GL50 1AA", "");
        assert_eq!(address_level(&a, &rec("a", "b", "2/10 High Street", "", "")), 1);
        assert_eq!(address_level(&a, &rec("a", "b", "10b High Street", "", "")), 1);
        assert_eq!(address_level(&a, &rec("a", "b", "10 High Street", "", "")), 2);
        assert_eq!(address_level(&a, &rec("a", "b", "Flat 3, 10 High Street", "", "")), 3);
        assert_eq!(address_level(&a, &rec("a", "b", "12 High Street", "", "")), 4);
        assert_eq!(address_level(&a, &rec("a", "b", "45 High Street", "", "")), 5);
        assert_eq!(address_level(&a, &rec("a", "b", "3 Mill Lane", "", "")), 6);
        // Address lines the other way round.
        let l = |x: &str, y: &str| address_levels(&rec("a", "b", x, "", ""), &rec("a", "b", y, "", ""));
        assert_eq!(l("6 Lhotsky Street, Nunkeri", "6 Nunkeri, Lhotsky Street"), (1, 1));
        assert_eq!(
            l(
                "2 Endeavour Street, Burrendong Est",
                "2 Burrenodng Est, Endeavour Street"
            ),
            (4, 2)
        );
        assert_eq!(l("6 Lhotsky Street, Nunkeri", "6 Nunkeri, Mill Lane").0, 6);
        assert_eq!(postcode_level(&a, &rec("a", "b", "", "gl501ab", "")), 2);
        assert_eq!(postcode_level(&a, &rec("a", "b", "", "GL50 4ZZ", "")), 3);
    }

    #[test]
    fn dates_of_birth() {
        assert_eq!(dob_level("19800312", "19800312"), 1);
        assert_eq!(dob_level("19800312", "19800313"), 2);
        assert_eq!(dob_level("19800312", "19801203"), 2);
        assert_eq!(dob_level("19800312", "19080312"), 2);
        assert_eq!(dob_level("19800312", "20100312"), 4);
        assert_eq!(dob_level("", "20100312"), 0);
    }

    #[test]
    fn suffixes_conflict() {
        let l = compare(
            &rec("John", "Smith Jr", "", "", ""),
            &rec("John", "Smith Sr", "", "", ""),
        );
        assert!(l.suffix_conflict && l.conflict());
    }
}
