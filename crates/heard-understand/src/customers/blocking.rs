//! Blocking: only records that share at least one key are compared. The keys are chosen
//! so that a true pair with typos in several fields still shares one of them.

use super::normalise::{Prepared, given_root, soundex};
use std::collections::HashMap;

/// Keys bigger than this many records are skipped (a whole town's postcode district is no
/// evidence and would cost a quadratic number of comparisons).
pub const MAX_BLOCK: usize = 400;

/// The blocking keys of one record (each prefixed by its kind so kinds never collide).
pub fn keys(p: &Prepared) -> Vec<String> {
    let mut k = Vec::with_capacity(12);
    let g = &p.name.given;
    let s = &p.name.surname;
    let g1 = g.get(..1).unwrap_or("");
    let s1 = s.get(..1).unwrap_or("");
    if !p.postcode.full.is_empty() {
        k.push(format!("p{}", p.postcode.full));
    }
    if !p.dob.is_empty() {
        k.push(format!("d{}", p.dob));
    }
    if !s.is_empty() {
        k.push(format!("n{}{}", soundex(s), g1));
        if !g.is_empty() {
            // Either order, so a swapped given name and surname still meet.
            k.push(format!("n{}{}", soundex(g), s1));
            k.push(format!("g{}{}", given_root(g), s.get(..2).unwrap_or(s)));
        }
    }
    if !g.is_empty() && !p.dob.is_empty() {
        // Married (new surname) and moved, with a date of birth.
        k.push(format!("b{}{}", given_root(g), p.dob));
    }
    if !p.address.street.is_empty() {
        let st: String = p.address.street.chars().take(5).collect();
        k.push(format!("a{}|{}", p.address.number, st));
        if !s.is_empty() {
            k.push(format!("s{}|{}", p.address.street, soundex(s)));
        }
    }
    if !g.is_empty() && !p.locality.is_empty() {
        k.push(format!("l{}{}|{}", soundex(g), s1, p.locality));
    }
    if !p.email.is_empty() {
        k.push(format!("e{}", p.email));
        if p.email_local.len() >= 5 {
            k.push(format!("E{}", p.email_local));
        }
    }
    if !p.phone.is_empty() {
        k.push(format!("t{}", p.phone));
    }
    k
}

/// Candidate pairs (i < j, or left i with right j when `split` is set: records before
/// `split` are the left list), each once, sorted.
pub fn candidates(records: &[Prepared], split: Option<usize>) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::with_capacity(records.len() * 8);
    for (i, r) in records.iter().enumerate() {
        for key in keys(r) {
            blocks.entry(key).or_default().push(i as u32);
        }
    }
    let mut pairs: Vec<u64> = Vec::new();
    for members in blocks.values() {
        if members.len() < 2 {
            continue;
        }
        match split {
            None => {
                if members.len() > MAX_BLOCK {
                    continue;
                }
                for (x, &i) in members.iter().enumerate() {
                    for &j in &members[x + 1..] {
                        if i != j {
                            pairs.push(((i.min(j) as u64) << 32) | i.max(j) as u64);
                        }
                    }
                }
            }
            Some(s) => {
                let s = s as u32;
                let (left, right): (Vec<u32>, Vec<u32>) = members.iter().partition(|&&i| i < s);
                if left.is_empty() || right.is_empty() || left.len() * right.len() > MAX_BLOCK * MAX_BLOCK / 4 {
                    continue;
                }
                for &i in &left {
                    for &j in &right {
                        pairs.push(((i as u64) << 32) | j as u64);
                    }
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect()
}
